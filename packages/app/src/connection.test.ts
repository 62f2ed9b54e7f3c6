import { BackdropError } from '@backdrop/client';
import { describe, expect, it } from 'vitest';
import { connectionBadge, endScreen } from './connection.js';

describe('connectionBadge', () => {
  it('names every state and marks the bad ones', () => {
    expect(connectionBadge('idle').tone).toBe('pending');
    expect(connectionBadge('connecting')).toEqual({ label: 'Connecting…', tone: 'pending' });
    expect(connectionBadge('connected')).toEqual({ label: 'Connected', tone: 'ok' });
    expect(connectionBadge('disconnected').tone).toBe('bad');
    expect(connectionBadge('failed')).toEqual({ label: 'Connection failed', tone: 'bad' });
  });
});

describe('endScreen', () => {
  it('leaving on purpose is not an error', () => {
    expect(endScreen({ kind: 'left' }, 'team-sync')).toEqual({
      title: 'You left the meeting',
      detail: 'You were in team-sync.',
      state: 'left',
    });
  });

  it('explains a failed join as a sentence, with a hint for network failures', () => {
    const screen = endScreen(
      { kind: 'join-failed', error: new BackdropError('connection_failed', 'could not join') },
      'r',
    );
    expect(screen.state).toBe('error');
    expect(screen.detail).toBe('Could not join. Check your network connection and try again.');
    expect(endScreen({ kind: 'join-failed', error: 'room is full!' }, 'r').detail).toBe('Room is full!');
  });

  it('passes on why the connection was lost, or says it plainly', () => {
    const error = new BackdropError('connection_lost', 'the media server restarted; please rejoin');
    expect(endScreen({ kind: 'lost', error }, 'r')).toMatchObject({
      title: 'Disconnected',
      detail: 'The media server restarted; please rejoin.',
      state: 'error',
    });
    expect(endScreen({ kind: 'lost', error: undefined }, 'r').detail).toMatch(/connection to the server/);
  });
});

import { BackdropError } from '@backdrop/client';
import { CLOSE_CODES, ErrorCode } from '@backdrop/protocol';
import { describe, expect, it } from 'vitest';
import {
  connectionBadge,
  describeError,
  endScreen,
  explainCloseCode,
  explainError,
  explainServerCode,
  nameRefusal,
  passwordRefusal,
  shutdownNotice,
} from './connection.js';

const refused = (code: ErrorCode, message = 'server words') =>
  new BackdropError('server_error', message, { serverCode: code });

describe('connectionBadge', () => {
  it('names every state and marks the bad ones', () => {
    expect(connectionBadge('idle').tone).toBe('pending');
    expect(connectionBadge('connecting')).toEqual({ label: 'Connecting…', tone: 'pending' });
    expect(connectionBadge('connected')).toEqual({ label: 'Connected', tone: 'ok' });
    expect(connectionBadge('disconnected').tone).toBe('bad');
    expect(connectionBadge('failed')).toEqual({ label: 'Connection failed', tone: 'bad' });
  });
});

describe('explaining refusals', () => {
  it('every server error code has its own plain sentence and something to do', () => {
    const texts = new Set<string>();
    for (const code of ErrorCode.options) {
      const { what, todo } = explainServerCode(code);
      expect(what, code).toMatch(/^[A-Z].*\.$/);
      expect(todo, code).toMatch(/^[A-Z].*\.$/);
      expect(`${what} ${todo}`, code).not.toMatch(/_/);
      texts.add(what);
    }
    // Distinct refusals read differently (codes that mean the same to a user may share a sentence).
    const refusals: ErrorCode[] = [
      'invalid_name',
      'room_full',
      'server_full',
      'too_many_rooms',
      'join_rate_limited',
      'room_create_rate_limited',
      'too_many_connections',
      'sfu_unavailable',
      'shutting_down',
      'rate_limited',
      'bad_sdp',
    ];
    expect(new Set(refusals.map((c) => explainServerCode(c).what)).size).toBe(refusals.length);
  });

  it('every close code the server uses is explained, and 1006 too', () => {
    for (const [name, code] of Object.entries(CLOSE_CODES)) {
      expect(explainCloseCode(code), name).toBeDefined();
    }
    expect(explainCloseCode(1006)?.what).toMatch(/connection to the server was lost/);
    expect(explainCloseCode(CLOSE_CODES.tooManyConnections)).toEqual(
      explainServerCode('too_many_connections'),
    );
    expect(explainCloseCode(4999)).toBeUndefined();
  });

  it('the closes the SDK reconnects after are explained as a failed reconnection, the others are not', () => {
    // The end screen shows these only once the SDK gave up reconnecting (see connection-view.ts).
    for (const code of [
      1006,
      CLOSE_CODES.goingAway,
      CLOSE_CODES.serviceRestart,
      CLOSE_CODES.heartbeatTimeout,
    ])
      expect(explainCloseCode(code)?.what, String(code)).toMatch(/could not|did not come back/);
    for (const code of [CLOSE_CODES.rateLimited, CLOSE_CODES.tooManyBadMessages, CLOSE_CODES.messageTooBig])
      expect(explainCloseCode(code)?.what, String(code)).not.toMatch(/could not be restored|come back/);
  });

  it('an SDK error is explained by its server code first, then its close code', () => {
    expect(explainError(refused('room_full'))?.what).toBe('This meeting is full.');
    const closed = new BackdropError('connection_lost', 'x', { closeCode: CLOSE_CODES.goingAway });
    expect(explainError(closed)?.what).toBe('The server restarted and did not come back in time.');
    const unreachable = new BackdropError('connection_failed', 'could not reach', { closeCode: 1006 });
    expect(explainError(unreachable)).toBeUndefined();
    expect(explainError(new Error('plain'))).toBeUndefined();
    expect(explainError(undefined)).toBeUndefined();
    expect(describeError(refused('join_rate_limited'))).toBe(
      'Too many join attempts came from your network in the last minute. Try again in a minute.',
    );
    // ICE failures are restarted by the SDK: a notice that it is being restored, not the SDK's words.
    expect(describeError(new BackdropError('media_failed', 'could not receive media'))).toMatch(
      /^Your audio and video connection was interrupted; restoring it…/,
    );
  });

  it('invalid_name goes back to the name field; other refusals do not', () => {
    expect(nameRefusal(refused('invalid_name'))).toMatch(/^Name: This name cannot be used/);
    expect(nameRefusal(refused('room_full'))).toBeUndefined();
    expect(nameRefusal(new Error('x'))).toBeUndefined();
  });

  it('the password codes go back to the password field with their reason; other refusals do not', () => {
    expect(passwordRefusal(refused('password_required'))).toMatch(/has a password/);
    expect(passwordRefusal(refused('wrong_password'))).toMatch(/not this meeting/);
    expect(passwordRefusal(refused('password_rate_limited'))).toMatch(/Too many wrong passwords/);
    expect(passwordRefusal(refused('invalid_name'))).toBeUndefined();
    expect(passwordRefusal(new Error('x'))).toBeUndefined();
  });

  it('the shutdown notice says the server is restarting, when the call pauses, and that it reconnects', () => {
    expect(shutdownNotice(30_000)).toBe(
      'The server is restarting… The call pauses in about 30 s and reconnects by itself when the server is back.',
    );
    expect(shutdownNotice(0)).toMatch(/about 1 s/);
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

  it('explains a refused join by the server code, not the server wording', () => {
    expect(endScreen({ kind: 'join-failed', error: refused('room_full', 'room r is full') }, 'r')).toEqual({
      title: 'Could not join',
      detail: 'This meeting is full. Wait for someone to leave and join again, or meet in another room.',
      state: 'error',
    });
  });

  it('passes on why the connection was lost, or says it plainly', () => {
    const error = new BackdropError('connection_lost', 'the media server restarted; please rejoin');
    expect(endScreen({ kind: 'lost', error }, 'r')).toMatchObject({
      title: 'Disconnected',
      detail: 'The media server restarted; please rejoin.',
      state: 'error',
    });
    const drained = new BackdropError('connection_lost', 'x', { closeCode: CLOSE_CODES.goingAway });
    expect(endScreen({ kind: 'lost', error: drained }, 'r').detail).toBe(
      'The server restarted and did not come back in time. Try again in a minute.',
    );
    expect(endScreen({ kind: 'lost', error: undefined }, 'r').detail).toMatch(/connection to the server/);
  });
});

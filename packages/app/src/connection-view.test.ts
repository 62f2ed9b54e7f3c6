import { BackdropError } from '@backdrop/client';
import { describe, expect, it } from 'vitest';
import {
  type ConnectionBarEvent,
  type ConnectionBarState,
  connectionBarView,
  errorEndsCall,
  INITIAL_BAR,
  nextBar,
  peerTileView,
  RECONNECTED_TEXT,
  RECONNECTING_TEXT,
  stateEndsCall,
} from './connection-view.js';

const run = (...events: ConnectionBarEvent[]): ConnectionBarState[] => {
  const states: ConnectionBarState[] = [];
  let state = INITIAL_BAR;
  for (const event of events) {
    state = nextBar(state, event);
    states.push(state);
  }
  return states;
};
const room = (state: ConnectionBarState['room']): ConnectionBarEvent => ({ type: 'room', state });
const media = (restarting: boolean): ConnectionBarEvent => ({ type: 'media', restarting });
const views = (...events: ConnectionBarEvent[]) =>
  run(...events).map((s) => {
    const v = connectionBarView(s);
    return `${v.kind}:${v.connection}`;
  });

describe('the connection bar', () => {
  it('is hidden while joining and in a healthy call', () => {
    expect(views(room('connecting'), room('connected'))).toEqual(['hidden:connecting', 'hidden:connected']);
  });

  it('says "Reconnecting…" with data-connection=reconnecting while the Room reconnects, then "Reconnected"', () => {
    const states = run(room('connecting'), room('connected'), room('reconnecting'), room('connected'));
    expect(connectionBarView(states[2]!)).toEqual({
      kind: 'reconnecting',
      text: RECONNECTING_TEXT,
      connection: 'reconnecting',
    });
    expect(connectionBarView(states[3]!)).toEqual({
      kind: 'reconnected',
      text: RECONNECTED_TEXT,
      connection: 'connected',
    });
    expect(states[3]!.notice).toBe(true);
    expect(connectionBarView(nextBar(states[3]!, { type: 'noticeExpired' })).kind).toBe('hidden');
  });

  it('keeps the notice through a repeated connected, and drops it when the link goes again', () => {
    expect(
      views(
        room('connected'),
        room('reconnecting'),
        room('connected'),
        room('connected'),
        room('reconnecting'),
      ),
    ).toEqual([
      'hidden:connected',
      'reconnecting:reconnecting',
      'reconnected:connected',
      'reconnected:connected',
      'reconnecting:reconnecting',
    ]);
  });

  it('shows no "Reconnected" when the Room gives up', () => {
    expect(views(room('connected'), room('reconnecting'), room('disconnected'))).toEqual([
      'hidden:connected',
      'reconnecting:reconnecting',
      'hidden:disconnected',
    ]);
  });

  it('says "Reconnecting…" during an ICE restart of a connected Room, and "Reconnected" after', () => {
    expect(views(room('connected'), media(true), media(false))).toEqual([
      'hidden:connected',
      'reconnecting:reconnecting',
      'reconnected:connected',
    ]);
  });

  it('a lost socket during an ICE restart ends that restart (the Room makes new connections)', () => {
    const states = run(room('connected'), media(true), room('reconnecting'), room('connected'));
    expect(states.map((s) => s.mediaRestarting)).toEqual([false, true, false, false]);
    expect(connectionBarView(states[3]!).kind).toBe('reconnected');
  });

  it('an ICE restart before the call is connected does not show the bar', () => {
    expect(views(room('connecting'), media(true))).toEqual(['hidden:connecting', 'hidden:connecting']);
  });
});

describe('a peer tile', () => {
  it('is dimmed with a label while its participant reconnects, and plain when connected', () => {
    expect(peerTileView('reconnecting')).toEqual({
      connection: 'reconnecting',
      dimmed: true,
      label: RECONNECTING_TEXT,
    });
    expect(peerTileView('connected')).toEqual({ connection: 'connected', dimmed: false, label: undefined });
  });
});

describe('when the call ends', () => {
  it('only on connection_lost (the SDK gave up), never on other errors', () => {
    expect(errorEndsCall(new BackdropError('connection_lost', 'gave up'))).toBe(true);
    for (const code of ['media_failed', 'server_error', 'timeout', 'protocol_error'] as const)
      expect(errorEndsCall(new BackdropError(code, 'x')), code).toBe(false);
  });

  it('on disconnected in a call, unless leaving; never on reconnecting', () => {
    expect(stateEndsCall('disconnected', { leaving: false, inCall: true })).toBe(true);
    expect(stateEndsCall('disconnected', { leaving: true, inCall: true })).toBe(false);
    expect(stateEndsCall('disconnected', { leaving: false, inCall: false })).toBe(false);
    expect(stateEndsCall('reconnecting', { leaving: false, inCall: true })).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { holdsCall, initialScreen, pageState, type Screen, type ScreenEvent, transition } from './screen.js';

const lobby: Screen = { kind: 'lobby', room: 'r', name: 'Ada', autojoin: true };
const run = (screen: Screen, ...events: ScreenEvent[]) => events.reduce(transition, screen);

describe('screen state', () => {
  it('starts on the landing page, a lobby, or an error for a bad link', () => {
    expect(initialScreen({}, { name: '', autojoin: false })).toEqual({ kind: 'landing' });
    expect(initialScreen({ room: 'r' }, { name: 'Ada', autojoin: true })).toEqual(lobby);
    const bad = initialScreen({ problem: 'This room link is not valid.' }, { name: '', autojoin: false });
    expect(bad).toEqual({ kind: 'invalid-link', problem: 'This room link is not valid.' });
    expect(pageState(bad)).toBe('error');
  });

  it('goes lobby → call (joining → in-call) → ended (left) → lobby without autojoin', () => {
    const joining = transition(lobby, { type: 'join', name: 'Grace' });
    expect(joining).toEqual({ kind: 'call', room: 'r', name: 'Grace', phase: 'joining', attempt: 1 });
    expect(pageState(joining)).toBe('joining');
    const inCall = transition(joining, { type: 'joined' });
    expect(pageState(inCall)).toBe('in-call');
    const ended = transition(inCall, { type: 'ended', end: { kind: 'left' } });
    expect(pageState(ended)).toBe('left');
    expect(transition(ended, { type: 'backToLobby' })).toEqual({
      kind: 'lobby',
      room: 'r',
      name: 'Grace',
      autojoin: false,
    });
  });

  it('a rejoin is a new attempt with the same name', () => {
    const ended = run(
      lobby,
      { type: 'join', name: 'Ada' },
      { type: 'ended', end: { kind: 'join-failed', error: new Error('x') } },
    );
    expect(pageState(ended)).toBe('error');
    const again = transition(ended, { type: 'rejoin' });
    expect(again).toEqual({ kind: 'call', room: 'r', name: 'Ada', phase: 'joining', attempt: 2 });
  });

  it('a refused name goes back to the lobby with the reason, only while joining', () => {
    const joining = transition(lobby, { type: 'join', name: 'M' });
    expect(transition(joining, { type: 'nameRefused', message: 'Name: no' })).toEqual({
      kind: 'lobby',
      room: 'r',
      name: 'M',
      autojoin: false,
      nameError: 'Name: no',
    });
    const inCall = transition(joining, { type: 'joined' });
    expect(transition(inCall, { type: 'nameRefused', message: 'x' })).toBe(inCall);
  });

  it('a password asked for or refused goes back to the lobby with the field and the reason, only while joining', () => {
    const joining = transition(lobby, { type: 'join', name: 'M', password: 'x' });
    expect(transition(joining, { type: 'passwordRefused', message: 'Wrong' })).toEqual({
      kind: 'lobby',
      room: 'r',
      name: 'M',
      autojoin: false,
      password: { error: 'Wrong' },
    });
    const inCall = transition(joining, { type: 'joined' });
    expect(transition(inCall, { type: 'passwordRefused', message: 'x' })).toBe(inCall);
  });

  it('waiting: held while joining, admitted into the same attempt, or ended', () => {
    const waiting = run(lobby, { type: 'join', name: 'Ada' }, { type: 'waiting' });
    expect(waiting).toEqual({ kind: 'waiting', room: 'r', name: 'Ada', attempt: 1 });
    expect(pageState(waiting)).toBe('waiting');
    expect(holdsCall(waiting)).toBe(true);
    expect(transition(waiting, { type: 'admitted' })).toEqual({
      kind: 'call',
      room: 'r',
      name: 'Ada',
      phase: 'joining',
      attempt: 1,
    });
    const denied = transition(waiting, { type: 'ended', end: { kind: 'lost', error: undefined } });
    expect(denied.kind).toBe('ended');
    expect(holdsCall(denied)).toBe(false);
  });

  it('ignores events that mean nothing where they arrive (same object back)', () => {
    const inCall = run(lobby, { type: 'join', name: 'Ada' }, { type: 'joined' });
    const ignored: [Screen, ScreenEvent][] = [
      [lobby, { type: 'joined' }],
      [lobby, { type: 'rejoin' }],
      [inCall, { type: 'join', name: 'B' }],
      [inCall, { type: 'joined' }],
      [inCall, { type: 'waiting' }],
      [inCall, { type: 'admitted' }],
      [{ kind: 'landing' }, { type: 'join', name: 'A' }],
      [transition(inCall, { type: 'ended', end: { kind: 'left' } }), { type: 'joined' }],
    ];
    for (const [screen, event] of ignored) expect(transition(screen, event)).toBe(screen);
  });

  it('a failure ends anywhere on the error page', () => {
    const failed = transition(lobby, { type: 'failed', message: 'boom' });
    expect(failed).toEqual({ kind: 'failed', message: 'boom' });
    expect(pageState(failed)).toBe('error');
  });
});

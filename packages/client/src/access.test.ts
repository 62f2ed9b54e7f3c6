import type { Role } from '@backdrop/protocol';
import { describe, expect, it } from 'vitest';
import { type AccessSnapshot, AccessState } from './access.js';

const KEY = 'k'.repeat(43);

function setup() {
  const snapshots: AccessSnapshot[] = [];
  const roles: [string, Role][] = [];
  const mutes: string[] = [];
  const removals: string[] = [];
  const state = new AccessState({
    changed: (s) => snapshots.push(s),
    participantRole: (id, role) => roles.push([id, role]),
    muteRequested: (r) => mutes.push(r.fromName),
    removed: (r) => removals.push(r.by),
  });
  return { state, snapshots, roles, mutes, removals };
}

describe('AccessState', () => {
  it('is host exactly when joined carries the host key', () => {
    const { state } = setup();
    state.onJoined('p_me', { locked: true, passwordSet: false });
    expect(state.isHost).toBe(false);
    expect(state.snapshot).toMatchObject({ role: 'participant', locked: true, hostKey: undefined });
    state.onJoined('p_me', {
      locked: false,
      passwordSet: true,
      hostKey: KEY,
      waiting: [{ id: 'w_1', name: 'Cy' }],
    });
    expect(state.snapshot).toEqual({
      role: 'host',
      locked: false,
      passwordSet: true,
      hostKey: KEY,
      waiting: [{ id: 'w_1', name: 'Cy' }],
    });
  });

  it('follows the access messages: lock, waiting list, promotion to host, others’ roles', () => {
    const { state, snapshots, roles } = setup();
    state.onJoined('p_me', { locked: false, passwordSet: false });
    expect(state.onMessage({ type: 'roomAccess', locked: true, passwordSet: false })).toBe(true);
    expect(state.snapshot.locked).toBe(true);
    state.onMessage({ type: 'participantRole', participantId: 'p_other', role: 'host' });
    expect(roles).toEqual([['p_other', 'host']]);
    state.onMessage({ type: 'participantRole', participantId: 'p_me', role: 'host' });
    state.onMessage({ type: 'hostKey', key: KEY });
    state.onMessage({ type: 'waitingList', waiting: [{ id: 'w_2', name: 'Dan' }] });
    expect(state.snapshot).toMatchObject({ role: 'host', hostKey: KEY, waiting: [{ name: 'Dan' }] });
    expect(snapshots.length).toBe(5);
    expect(state.onMessage({ type: 'pong' })).toBe(false);
  });

  it('passes on a mute request and a removal, and forgets everything on reset', () => {
    const { state, mutes, removals } = setup();
    state.onJoined('p_me', { locked: false, passwordSet: false, hostKey: KEY, waiting: [] });
    state.onMessage({ type: 'muteRequest', from: 'p_h', fromName: 'Hana' });
    state.onMessage({ type: 'removed', by: 'Hana' });
    expect(mutes).toEqual(['Hana']);
    expect(removals).toEqual(['Hana']);
    state.reset();
    expect(state.snapshot).toMatchObject({ role: 'participant', hostKey: undefined, waiting: [] });
  });
});

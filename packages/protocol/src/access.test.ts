import { describe, expect, it } from 'vitest';
import { MAX_PASSWORD_CHARS } from './access.js';
import { ClientMessage, ErrorCode, ServerMessage } from './messages.js';

const KEY = 'A'.repeat(43);

describe('access messages', () => {
  it('accepts the host actions as a browser sends them', () => {
    for (const message of [
      { type: 'setRoomLock', id: 1, locked: true },
      { type: 'answerKnock', waitingId: 'w_abc-_1', admit: false },
      { type: 'removeParticipant', participantId: 'p_x1' },
      { type: 'muteAll' },
      { type: 'setRoomPassword', password: 'pw' },
      { type: 'setRoomPassword', password: null },
      { type: 'join', room: 'r', name: 'Ann', password: 'pw', hostKey: KEY },
    ])
      expect(ClientMessage.safeParse(message).success, JSON.stringify(message)).toBe(true);
  });

  it.each([
    ['a lock without its flag', { type: 'setRoomLock' }],
    ['a lock as a string', { type: 'setRoomLock', locked: 'yes' }],
    ['a knock answer naming a participant id', { type: 'answerKnock', waitingId: 'p_abc', admit: true }],
    ['a removal naming a waiting id', { type: 'removeParticipant', participantId: 'w_abc' }],
    ['a removal with an extra field', { type: 'removeParticipant', participantId: 'p_a', ban: true }],
    ['mute all aimed at someone', { type: 'muteAll', participantId: 'p_a' }],
    ['an empty password', { type: 'setRoomPassword', password: '' }],
    ['a password too long', { type: 'setRoomPassword', password: 'x'.repeat(MAX_PASSWORD_CHARS + 1) }],
    ['a join with a short host key', { type: 'join', room: 'r', name: 'Ann', hostKey: 'abc' }],
    [
      'a join with a host key of other characters',
      { type: 'join', room: 'r', name: 'Ann', hostKey: `${'A'.repeat(42)}=` },
    ],
    ['a join with an empty password', { type: 'join', room: 'r', name: 'Ann', password: '' }],
    ['a join claiming a role', { type: 'join', room: 'r', name: 'Ann', role: 'host' }],
  ])('refuses %s', (_what, message) => {
    expect(ClientMessage.safeParse(message).success).toBe(false);
  });

  it('reads the server side: waiting, roles, lists, mute requests, removal, joined access', () => {
    for (const message of [
      { type: 'waiting', replyTo: 1, room: 'r', timeoutMs: 300_000 },
      { type: 'roomAccess', locked: true, passwordSet: false },
      { type: 'hostKey', key: KEY },
      { type: 'participantRole', participantId: 'p_a', role: 'host' },
      { type: 'waitingList', waiting: [{ id: 'w_a', name: 'Cy' }] },
      { type: 'muteRequest', from: 'p_a', fromName: 'Ann' },
      { type: 'removed', by: 'Ann' },
      { type: 'done', replyTo: 'x' },
      { type: 'participantJoined', participant: { id: 'p_a', name: 'Ann', role: 'participant' } },
      {
        type: 'joined',
        room: 'r',
        participantId: 'p_a',
        participants: [{ id: 'p_b', name: 'Bo', role: 'host' }],
        iceServers: [],
        resumeToken: KEY,
        resumeWindowMs: 0,
        resumed: false,
        access: { locked: false, passwordSet: true, hostKey: KEY, waiting: [] },
      },
    ])
      expect(ServerMessage.safeParse(message).success, JSON.stringify(message)).toBe(true);
    expect(
      ServerMessage.safeParse({ type: 'participantRole', participantId: 'p_a', role: 'owner' }).success,
    ).toBe(false);
  });

  it('has an error code for every access refusal', () => {
    for (const code of [
      'forbidden',
      'password_required',
      'wrong_password',
      'password_rate_limited',
      'denied',
    ])
      expect(ErrorCode.safeParse(code).success).toBe(true);
  });
});

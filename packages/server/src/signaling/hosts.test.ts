import { Writable } from 'node:stream';
import { CLOSE_CODES } from '@backdrop/protocol';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { FakeSfu } from '../../test/fake-sfu.js';
import { FakeSocket } from '../../test/fake-socket.js';
import { until } from '../../test/until.js';
import {
  type AccessLimits,
  DEFAULT_ACCESS_LIMITS,
  type RoomLimits,
  RoomRegistry,
} from '../rooms/registry.js';
import { SignalingConnection } from './connection.js';

const LIMITS: RoomLimits = {
  maxParticipantsPerRoom: 8,
  maxRooms: 10,
  maxParticipants: 100,
  joinsPerMinutePerAddress: 1000,
  roomCreationsPerMinutePerAddress: 100,
};
const tick = (ms = 10) => new Promise((r) => setTimeout(r, ms));
const settled = (socket: FakeSocket) => () =>
  socket.sent.some((m) => m.type === 'joined' || m.type === 'error' || m.type === 'waiting');

/** A registry over a FakeSfu (its log captured as text), and real SignalingConnections on fake sockets. */
function setup(access: Partial<AccessLimits> = {}) {
  const sfu = new FakeSfu();
  let log = '';
  const sink = new Writable({
    write(chunk, _encoding, done) {
      log += chunk.toString();
      done();
    },
  });
  const logger = pino({ level: 'trace' }, sink);
  const registry = new RoomRegistry({
    sfu: () => sfu,
    limits: LIMITS,
    logger,
    resumeWindowMs: 10_000,
    access: { ...DEFAULT_ACCESS_LIMITS, ...access },
  });
  const connect = (address = '192.0.2.1') => {
    const socket = new FakeSocket();
    const connection = new SignalingConnection(socket as unknown as WebSocket, registry, logger, address, {
      messagesPerSecond: 1000,
      badMessagesPerMinute: 100,
      sendBufferLimitBytes: 1_000_000,
    });
    return { socket, connection };
  };
  /** A socket that sent `join` to room r; resolves once it is answered (joined, waiting or error). */
  const knock = async (name: string, extra: object = {}, address?: string) => {
    const client = connect(address);
    client.socket.message({ type: 'join', id: 'j', room: 'r', name, ...extra });
    await until(settled(client.socket), `${name} answered`);
    return client;
  };
  const joinAs = async (name: string, extra: object = {}) => {
    const client = await knock(name, extra);
    const joined = client.socket.ofType('joined')[0];
    if (!joined) throw new Error(`${name} did not join: ${JSON.stringify(client.socket.sent)}`);
    return { ...client, joined, id: joined.participantId };
  };
  /** Sends a request and waits for its reply (any message with that replyTo). */
  const request = async (socket: FakeSocket, message: object) => {
    const id = `q${Math.random()}`;
    socket.message({ ...message, id });
    await until(() => socket.sent.some((m) => 'replyTo' in m && m.replyTo === id), `reply to ${id}`);
    return socket.sent.find((m) => 'replyTo' in m && m.replyTo === id);
  };
  return { sfu, registry, connect, knock, joinAs, request, log: () => log };
}

describe('hosts', () => {
  it('makes the first participant host: roles are in everyone’s roster, the host key only in the host’s joined', async () => {
    const { joinAs } = setup();
    const ann = await joinAs('Ann');
    const bob = await joinAs('Bob');
    expect(ann.joined.access).toMatchObject({ locked: false, passwordSet: false, waiting: [] });
    expect(ann.joined.access?.hostKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(bob.joined.access).toEqual({ locked: false, passwordSet: false });
    expect(bob.joined.participants).toEqual([{ id: ann.id, name: 'Ann', role: 'host' }]);
    expect(ann.socket.ofType('participantJoined')[0]?.participant).toEqual({
      id: bob.id,
      name: 'Bob',
      role: 'participant',
    });
  });

  it('refuses every host action from a non-host with forbidden, and changes nothing', async () => {
    const { joinAs, request, registry } = setup();
    const ann = await joinAs('Ann');
    const bob = await joinAs('Bob');
    const actions = [
      { type: 'setRoomLock', locked: true },
      { type: 'setRoomPassword', password: 'x' },
      { type: 'answerKnock', waitingId: 'w_abc', admit: true },
      { type: 'removeParticipant', participantId: ann.id },
      { type: 'muteAll' },
    ];
    for (const action of actions) {
      const reply = await request(bob.socket, action);
      expect(reply, action.type).toMatchObject({ type: 'error', code: 'forbidden' });
    }
    const room = registry.get('r');
    expect(room?.hosts.access.locked).toBe(false);
    expect(room?.hosts.access.passwordSet).toBe(false);
    expect(room?.size).toBe(2);
    expect(ann.socket.ofType('muteRequest')).toEqual([]);
    expect(ann.socket.ofType('roomAccess')).toEqual([]);
    expect(ann.socket.closeCode).toBeUndefined();
  });

  it('holds a newcomer of a locked room with no seat or SFU handle until a host admits it', async () => {
    const { joinAs, knock, request, sfu, registry } = setup();
    const ann = await joinAs('Ann');
    const bob = await joinAs('Bob');
    expect(await request(ann.socket, { type: 'setRoomLock', locked: true })).toMatchObject({
      type: 'roomAccess',
      locked: true,
    });
    expect(bob.socket.ofType('roomAccess').at(-1)).toMatchObject({ locked: true });
    const handles = sfu.publishers.length + sfu.subscribers.length;
    const cy = await knock('Cy');
    expect(cy.socket.sent.map((m) => m.type)).toEqual(['welcome', 'waiting']);
    expect(cy.socket.ofType('waiting')[0]).toMatchObject({ replyTo: 'j', room: 'r' });
    expect(sfu.publishers.length + sfu.subscribers.length).toBe(handles);
    expect(registry.get('r')?.occupancy).toBe(2);
    const list = ann.socket.ofType('waitingList').at(-1)?.waiting ?? [];
    expect(list.map((w) => w.name)).toEqual(['Cy']);
    expect(bob.socket.ofType('waitingList')).toEqual([]);
    expect(bob.socket.ofType('participantJoined')).toEqual([]);

    expect(
      await request(ann.socket, { type: 'answerKnock', waitingId: list[0]?.id, admit: true }),
    ).toMatchObject({
      type: 'done',
    });
    await until(() => cy.socket.ofType('joined').length === 1, 'Cy admitted');
    expect(cy.socket.ofType('joined')[0]).toMatchObject({ replyTo: 'j', access: { locked: true } });
    expect(bob.socket.ofType('participantJoined')[0]?.participant.name).toBe('Cy');
    expect(ann.socket.ofType('waitingList').at(-1)?.waiting).toEqual([]);
  });

  it('refuses a denied newcomer with denied, and one nobody answers with wait_timeout', async () => {
    const { joinAs, knock, request } = setup({ waitingTimeoutMs: 200 });
    const ann = await joinAs('Ann');
    await request(ann.socket, { type: 'setRoomLock', locked: true });
    const cy = await knock('Cy');
    const waitingId = ann.socket.ofType('waitingList').at(-1)?.waiting[0]?.id;
    await request(ann.socket, { type: 'answerKnock', waitingId, admit: false });
    await until(() => cy.socket.errorCodes().length > 0, 'Cy refused');
    expect(cy.socket.ofType('error')[0]).toMatchObject({ code: 'denied', replyTo: 'j' });
    expect(cy.socket.ofType('joined')).toEqual([]);
    expect(await request(ann.socket, { type: 'answerKnock', waitingId, admit: true })).toMatchObject({
      code: 'not_found',
    });
    const dan = await knock('Dan');
    await until(() => dan.socket.errorCodes().length > 0, 'Dan timed out', 3000);
    expect(dan.socket.errorCodes()).toEqual(['wait_timeout']);
  });

  it('answers a waiting newcomer’s room messages with invalid_state, and forgets it when its socket closes', async () => {
    const { joinAs, knock, request, registry } = setup({ maxWaitingPerRoom: 1 });
    const ann = await joinAs('Ann');
    await request(ann.socket, { type: 'setRoomLock', locked: true });
    const cy = await knock('Cy');
    cy.socket.message({ type: 'trickle', target: 'publisher', candidate: null });
    cy.socket.message({ type: 'peerSignal', to: ann.id, candidate: null });
    await until(() => cy.socket.errorCodes().length === 2, 'Cy refused');
    expect(cy.socket.errorCodes()).toEqual(['invalid_state', 'invalid_state']);
    expect((await knock('Dan')).socket.errorCodes()).toEqual(['waiting_full']);
    cy.socket.lose();
    await until(() => ann.socket.ofType('waitingList').at(-1)?.waiting.length === 0, 'Cy gone');
    expect(registry.get('r')?.hosts.lobby.size).toBe(0);
    expect((await knock('Eve')).socket.ofType('waiting')).toHaveLength(1);
  });

  it('removes a participant: gone from every roster, its token revoked, and while locked it can only wait', async () => {
    const { joinAs, knock, request, connect, registry } = setup();
    const ann = await joinAs('Ann');
    const bob = await joinAs('Bob');
    const cy = await joinAs('Cy');
    await request(ann.socket, { type: 'setRoomLock', locked: true });
    expect(await request(ann.socket, { type: 'removeParticipant', participantId: bob.id })).toMatchObject({
      type: 'done',
    });
    expect(bob.socket.ofType('removed')).toEqual([{ type: 'removed', by: 'Ann' }]);
    expect(bob.socket.closeCode).toBe(CLOSE_CODES.removed);
    for (const other of [ann, cy])
      expect(other.socket.ofType('participantLeft')).toEqual([
        { type: 'participantLeft', participantId: bob.id },
      ]);
    expect(registry.get('r')?.participants.has(bob.id)).toBe(false);
    const resumed = connect();
    resumed.socket.message({ type: 'resume', token: bob.joined.resumeToken });
    await until(() => resumed.socket.errorCodes().length > 0, 'resume refused');
    expect(resumed.socket.errorCodes()).toEqual(['resume_failed']);
    const again = await knock('Bob');
    expect(again.socket.ofType('waiting')).toHaveLength(1);
    expect(again.socket.ofType('joined')).toEqual([]);
    expect(await request(ann.socket, { type: 'removeParticipant', participantId: ann.id })).toMatchObject({
      code: 'invalid_state',
    });
  });

  it('makes the longest-present participant host when the only host leaves, and tells everyone', async () => {
    const { joinAs, request } = setup();
    const ann = await joinAs('Ann');
    const bob = await joinAs('Bob');
    const cy = await joinAs('Cy');
    await request(ann.socket, { type: 'leave' });
    await until(() => bob.socket.ofType('participantRole').length === 1, 'Bob promoted');
    expect(cy.socket.ofType('participantRole')).toEqual([
      { type: 'participantRole', participantId: bob.id, role: 'host' },
    ]);
    expect(bob.socket.ofType('hostKey')[0]?.key).toBe(ann.joined.access?.hostKey);
    expect(cy.socket.ofType('hostKey')).toEqual([]);
    expect(await request(bob.socket, { type: 'setRoomLock', locked: true })).toMatchObject({ locked: true });
  });

  it('lets the host link in as a host, past the lock and the password; a wrong key joins as a participant', async () => {
    const { joinAs, knock, request } = setup();
    const ann = await joinAs('Ann', { password: 'pw-1' });
    await request(ann.socket, { type: 'setRoomLock', locked: true });
    const key = ann.joined.access?.hostKey;
    const co = await joinAs('Co', { hostKey: key });
    expect(co.joined.access?.hostKey).toBe(key);
    expect(ann.socket.ofType('participantJoined')[0]?.participant.role).toBe('host');
    const wrongKey = `${key?.slice(0, -2)}zz`;
    const cy = await knock('Cy', { hostKey: wrongKey, password: 'pw-1' });
    expect(cy.socket.ofType('waiting')).toHaveLength(1);
  });

  it('refuses a missing or wrong password, rate-limits guessing, and never logs the password', async () => {
    const { joinAs, knock, log } = setup({ passwordFailuresPerMinutePerAddress: 2 });
    const ann = await joinAs('Ann', { password: 'correct horse' });
    expect(ann.joined.access?.passwordSet).toBe(true);
    expect((await knock('Bob')).socket.errorCodes()).toEqual(['password_required']);
    expect((await knock('Bob', { password: 'guess-1' })).socket.errorCodes()).toEqual(['wrong_password']);
    // Two failures from this address: even the right password waits a minute.
    expect((await knock('Bob', { password: 'correct horse' })).socket.errorCodes()).toEqual([
      'password_rate_limited',
    ]);
    const other = await knock('Cy', { password: 'correct horse' }, '198.51.100.7');
    expect(other.socket.ofType('joined')).toHaveLength(1);
    await tick();
    expect(log()).not.toContain('correct horse');
    expect(log()).not.toContain('guess-1');
  });

  it('lets a host set and clear the password for later joins', async () => {
    const { joinAs, knock, request } = setup();
    const ann = await joinAs('Ann');
    expect(await request(ann.socket, { type: 'setRoomPassword', password: 'later' })).toMatchObject({
      type: 'roomAccess',
      passwordSet: true,
    });
    expect((await knock('Bob')).socket.errorCodes()).toEqual(['password_required']);
    await request(ann.socket, { type: 'setRoomPassword', password: null });
    expect((await knock('Cy')).socket.ofType('joined')).toHaveLength(1);
  });

  it('asks everyone but the host to mute, saying who asked', async () => {
    const { joinAs, request } = setup();
    const ann = await joinAs('Ann');
    const bob = await joinAs('Bob');
    expect(await request(ann.socket, { type: 'muteAll' })).toMatchObject({ type: 'done' });
    expect(bob.socket.ofType('muteRequest')).toEqual([
      { type: 'muteRequest', from: ann.id, fromName: 'Ann' },
    ]);
    expect(ann.socket.ofType('muteRequest')).toEqual([]);
  });

  it('keeps a host a host across a resume, with its key in the resumed joined', async () => {
    const { joinAs, connect } = setup();
    const ann = await joinAs('Ann');
    await joinAs('Bob');
    ann.socket.lose();
    await tick();
    const back = connect();
    back.socket.message({ type: 'resume', token: ann.joined.resumeToken });
    await until(() => back.socket.ofType('joined').length === 1, 'resumed');
    expect(back.socket.ofType('joined')[0]?.access?.hostKey).toBe(ann.joined.access?.hostKey);
  });

  it('lets waiting newcomers go in afresh when the room empties under them', async () => {
    const { joinAs, knock, request } = setup();
    const ann = await joinAs('Ann');
    await request(ann.socket, { type: 'setRoomLock', locked: true });
    const cy = await knock('Cy');
    await request(ann.socket, { type: 'leave' });
    await until(() => cy.socket.ofType('joined').length === 1, 'Cy in');
    expect(cy.socket.ofType('joined')[0]?.access).toMatchObject({ locked: false });
    expect(cy.socket.ofType('joined')[0]?.access?.hostKey).toBeDefined();
  });
});

import { CLOSE_CODES } from '@backdrop/protocol';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { installFakeMedia } from '../test/fake-media.js';
import { installWebSocket, startSignalingServer } from '../test/signaling-server.js';
import { BackdropError } from './errors.js';
import { Room } from './room.js';

beforeAll(installWebSocket);

let server: Awaited<ReturnType<typeof startSignalingServer>> | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const welcome = JSON.stringify({ type: 'welcome', protocol: 1 });

function joinedReply(id: number | undefined) {
  return JSON.stringify({
    type: 'joined',
    replyTo: id,
    room: 'r',
    participantId: 'p_1',
    participants: [],
    iceServers: [],
    resumeToken: 'a'.repeat(43),
    resumeWindowMs: 30_000,
    resumed: false,
  });
}

async function joinError(room: Room): Promise<BackdropError> {
  const error = await room.join('r', 'Ann').then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BackdropError);
  return error as BackdropError;
}

describe('Room refusals carry what the server said', () => {
  it('a refused join rejects with the server code', async () => {
    server = await startSignalingServer(async (socket, received) => {
      socket.send(welcome);
      const join = await received('join');
      socket.send(JSON.stringify({ type: 'error', replyTo: join.id, code: 'room_full', message: 'full' }));
    });
    const room = new Room({ signalingUrl: server.url });
    const error = await joinError(room);
    expect(error).toMatchObject({ code: 'server_error', serverCode: 'room_full' });
    expect(room.state).toBe('failed');
  });

  it('a connection refused with an error message rejects with its code', async () => {
    server = await startSignalingServer((socket) => {
      socket.send(
        JSON.stringify({ type: 'error', code: 'too_many_connections', message: 'too many connections' }),
      );
      socket.close(CLOSE_CODES.tooManyConnections, 'too many connections');
    });
    const error = await joinError(new Room({ signalingUrl: server.url }));
    expect(error).toMatchObject({ code: 'server_error', serverCode: 'too_many_connections' });
  });

  it('a connection closed before any message rejects with the close code', async () => {
    server = await startSignalingServer((socket) =>
      socket.close(CLOSE_CODES.tooManyConnections, 'too many connections'),
    );
    const error = await joinError(new Room({ signalingUrl: server.url }));
    expect(error).toMatchObject({ code: 'connection_failed', closeCode: CLOSE_CODES.tooManyConnections });
  });

  it('shuttingDown is a typed event; the close after the drain (1001) is followed by a resume', async () => {
    let connections = 0;
    const resumes: unknown[] = [];
    server = await startSignalingServer(async (socket, received) => {
      connections++;
      socket.send(welcome);
      if (connections === 1) {
        socket.send(joinedReply((await received('join')).id));
        socket.send(JSON.stringify({ type: 'shuttingDown', drainMs: 50 }));
        setTimeout(() => socket.close(CLOSE_CODES.goingAway, 'shutting down'), 50);
        return;
      }
      const resume = (await received('resume')) as { id?: number; token?: string };
      resumes.push(resume.token);
      socket.send(JSON.stringify({ ...JSON.parse(joinedReply(resume.id)), resumed: true }));
      socket.send(JSON.stringify({ type: 'left', replyTo: (await received('leave')).id }));
    });
    const room = new Room({ signalingUrl: server.url });
    const notices: number[] = [];
    room.on('shuttingDown', ({ drainMs }) => notices.push(drainMs));
    const states: string[] = [];
    room.on('connectionStateChanged', (state) => states.push(state));
    const errors: BackdropError[] = [];
    room.on('error', (error) => errors.push(error));
    const back = new Promise<{ resumed: boolean }>((resolve) => room.on('reconnected', resolve));
    await room.join('r', 'Ann');
    expect(await back).toEqual({ resumed: true });
    expect(notices).toEqual([50]);
    expect(resumes).toEqual(['a'.repeat(43)]);
    expect(states).toEqual(['connecting', 'connected', 'reconnecting', 'connected']);
    expect(errors).toEqual([]);
    await room.leave();
  });

  it('a socket closed for abuse (4001) ends the call with connection_lost and no reconnect', async () => {
    let connections = 0;
    server = await startSignalingServer(async (socket, received) => {
      connections++;
      socket.send(welcome);
      socket.send(joinedReply((await received('join')).id));
      socket.close(CLOSE_CODES.rateLimited, 'too many messages');
    });
    const room = new Room({ signalingUrl: server.url });
    const lost = new Promise<BackdropError>((resolve) => room.on('error', resolve));
    await room.join('r', 'Ann');
    expect(await lost).toMatchObject({ code: 'connection_lost', closeCode: CLOSE_CODES.rateLimited });
    expect(room.state).toBe('disconnected');
    expect(connections).toBe(1);
  });
});

describe('Room listener errors', () => {
  it('an error listener that throws is logged once, does not recurse, and the next listener still runs', async () => {
    server = await startSignalingServer(async (socket, received) => {
      socket.send(welcome);
      socket.send(joinedReply((await received('join')).id));
      socket.send(JSON.stringify({ type: 'error', code: 'rate_limited', message: 'slow down' }));
      socket.send(JSON.stringify({ type: 'left', replyTo: (await received('leave')).id }));
    });
    const logged: Record<string, unknown>[] = [];
    const room = new Room({
      signalingUrl: server.url,
      log: { error: (_message, fields) => logged.push(fields ?? {}) },
    });
    let throwingCalls = 0;
    room.on('error', () => {
      throwingCalls++;
      throw new Error('app bug');
    });
    const next = new Promise<BackdropError>((resolve) => room.on('error', resolve));
    await room.join('r', 'Ann');
    const error = await next;
    expect(error.serverCode).toBe('rate_limited');
    expect(throwingCalls).toBe(1);
    expect(logged).toEqual([expect.objectContaining({ emitter: 'client.room', event: 'error' })]);
    await room.leave();
  });
});

describe('Room hosts and access', () => {
  beforeAll(installFakeMedia);

  it('a join into a locked room waits (waiting event, past the request deadline) and resolves when admitted', async () => {
    server = await startSignalingServer(async (socket, received) => {
      socket.send(welcome);
      const join = (await received('join')) as { id?: number; password?: string; hostKey?: string };
      expect(join.password).toBe('pw');
      socket.send(JSON.stringify({ type: 'waiting', replyTo: join.id, room: 'r', timeoutMs: 60_000 }));
      setTimeout(() => {
        socket.send(
          JSON.stringify({
            ...JSON.parse(joinedReply(join.id)),
            participants: [{ id: 'p_h', name: 'Hana', role: 'host' }],
            access: { locked: true, passwordSet: true },
          }),
        );
      }, 50);
      socket.send(JSON.stringify({ type: 'left', replyTo: (await received('leave')).id }));
    });
    const room = new Room({ signalingUrl: server.url });
    const waits: number[] = [];
    room.on('waiting', ({ timeoutMs }) => waits.push(timeoutMs));
    await room.join('r', 'Ann', { password: 'pw' });
    expect(waits).toEqual([60_000]);
    expect(room.state).toBe('connected');
    expect(room.access).toMatchObject({ role: 'participant', locked: true, passwordSet: true });
    expect(room.participants.get('p_h')?.role).toBe('host');
    await room.leave();
  });

  it('a denied join rejects with denied', async () => {
    server = await startSignalingServer(async (socket, received) => {
      socket.send(welcome);
      const join = await received('join');
      socket.send(JSON.stringify({ type: 'waiting', replyTo: join.id, room: 'r', timeoutMs: 60_000 }));
      socket.send(JSON.stringify({ type: 'error', replyTo: join.id, code: 'denied', message: 'no' }));
    });
    const error = await joinError(new Room({ signalingUrl: server.url }));
    expect(error).toMatchObject({ code: 'server_error', serverCode: 'denied' });
  });

  it('host actions are requests; a mute request is an event; removal ends the call with no reconnect', async () => {
    let connections = 0;
    const actions: string[] = [];
    server = await startSignalingServer(async (socket, received) => {
      connections++;
      socket.send(welcome);
      const join = await received('join');
      socket.send(
        JSON.stringify({
          ...JSON.parse(joinedReply(join.id)),
          access: { locked: false, passwordSet: false, hostKey: 'k'.repeat(43), waiting: [] },
        }),
      );
      const lock = await received('setRoomLock');
      actions.push('setRoomLock');
      socket.send(JSON.stringify({ type: 'roomAccess', replyTo: lock.id, locked: true, passwordSet: false }));
      const mute = await received('muteAll');
      actions.push('muteAll');
      socket.send(JSON.stringify({ type: 'done', replyTo: mute.id }));
      socket.send(JSON.stringify({ type: 'muteRequest', from: 'p_2', fromName: 'Co-host' }));
      socket.send(JSON.stringify({ type: 'removed', by: 'Co-host' }));
      socket.close(CLOSE_CODES.removed, 'removed by a host');
    });
    const room = new Room({ signalingUrl: server.url });
    const mutes: string[] = [];
    room.on('muteRequested', (r) => mutes.push(r.fromName));
    const removed = new Promise<{ by: string }>((resolve) => room.on('removed', resolve));
    const lost = new Promise<BackdropError>((resolve) => room.on('error', resolve));
    await room.join('r', 'Ann');
    expect(room.access.role).toBe('host');
    await room.setLocked(true);
    expect(room.access.locked).toBe(true);
    await room.muteAll();
    expect(await removed).toEqual({ by: 'Co-host' });
    expect(await lost).toMatchObject({ code: 'connection_lost', closeCode: CLOSE_CODES.removed });
    expect(mutes).toEqual(['Co-host']);
    expect(actions).toEqual(['setRoomLock', 'muteAll']);
    expect(room.state).toBe('disconnected');
    expect(connections).toBe(1);
  });
});

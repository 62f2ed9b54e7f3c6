import { CLOSE_CODES } from '@backdrop/protocol';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { installWebSocket, startSignalingServer } from '../test/signaling-server.js';
import { Room } from './room.js';

beforeAll(installWebSocket);

let server: Awaited<ReturnType<typeof startSignalingServer>> | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const welcome = JSON.stringify({ type: 'welcome', protocol: 1 });
const joined = (id: number | undefined, resumed = false) =>
  JSON.stringify({
    type: 'joined',
    replyTo: id,
    room: 'r',
    participantId: 'p_1',
    participants: [],
    iceServers: [],
    resumeToken: 'a'.repeat(43),
    resumeWindowMs: 30_000,
    resumed,
  });

/** The node a socket asked for (`?node=`), or `-`. */
const nodeOf = (target: string) => new URL(target, 'http://x').searchParams.get('node') ?? '-';

describe('Room in a cluster (redirects)', () => {
  it('follows a redirect to the room’s node and reconnects there after a lost socket', async () => {
    const seen: string[] = [];
    server = await startSignalingServer(async (socket, received, target) => {
      const node = nodeOf(target);
      seen.push(node);
      socket.send(welcome);
      if (node !== 'b') {
        const join = await received('join');
        socket.send(JSON.stringify({ type: 'redirect', replyTo: join.id, node: 'b' }));
        socket.close(1000, 'redirected');
        return;
      }
      if (seen.filter((n) => n === 'b').length === 1) {
        socket.send(joined((await received('join')).id));
        // The node restarts its SFU: the SDK comes back, to the same node.
        setTimeout(() => socket.close(CLOSE_CODES.serviceRestart, 'restart'), 50);
        return;
      }
      socket.send(joined((await received('resume')).id, true));
    });
    const room = new Room({ signalingUrl: server.url });
    const back = new Promise<{ resumed: boolean }>((resolve) => room.on('reconnected', resolve));
    await room.join('r', 'Ann');
    expect(room.state).toBe('connected');
    expect(await back).toEqual({ resumed: true });
    expect(seen).toEqual(['-', 'b', 'b']);
    room.leave().catch(() => undefined);
  });

  it('gives up with a clear error after three redirects in a row', async () => {
    let sockets = 0;
    server = await startSignalingServer(async (socket, received, target) => {
      sockets++;
      socket.send(welcome);
      const join = await received('join');
      const next = nodeOf(target) === 'a' ? 'b' : 'a';
      socket.send(JSON.stringify({ type: 'redirect', replyTo: join.id, node: next }));
    });
    const room = new Room({ signalingUrl: server.url });
    const error = await room.join('r', 'Ann').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'connection_failed' });
    expect(String((error as Error).message)).toMatch(/4 times/);
    expect(sockets).toBe(4);
    expect(room.state).toBe('failed');
  });
});

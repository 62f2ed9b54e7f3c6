import { createServer, type Socket } from 'node:net';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeJanus } from '../../../../test/support/fake-janus-sfu.js';
import { JanusClient, type JanusClientOptions, MAX_LATE_REPLIES } from './janus-client.js';

const logger = pino({ level: 'silent' });
const fast: JanusClientOptions = { requestTimeoutMs: 150, keepaliveMs: 60_000, pingMs: 60_000 };

let janus: FakeJanus | undefined;
let client: JanusClient | undefined;
afterEach(async () => {
  client?.close();
  await janus?.close();
  client = undefined;
  janus = undefined;
});

async function setUp(
  options: Partial<JanusClientOptions> = {},
  fake: { autoPong?: boolean } = {},
): Promise<{ janus: FakeJanus; client: JanusClient; closed: Promise<string> }> {
  janus = await FakeJanus.start(fake);
  client = await JanusClient.connect(janus.url, 'secret', logger, { ...fast, ...options });
  const c = client;
  const closed = new Promise<string>((resolve) => c.once('closed', resolve));
  return { janus, client, closed };
}

async function until(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('JanusClient', () => {
  it('fails a request Janus does not answer after the deadline', async () => {
    const { janus, client } = await setUp();
    janus.override = (r) => (r.janus === 'attach' ? 'silent' : undefined);
    const started = Date.now();
    await expect(client.attach('janus.plugin.videoroom')).rejects.toThrow(/did not answer attach in 150 ms/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(client.isOpen).toBe(true);
  });

  it('detaches a handle whose attach succeeded after its deadline', async () => {
    const { janus, client } = await setUp();
    janus.override = (r) => {
      if (r.janus !== 'attach') return undefined;
      return {
        messages: [{ janus: 'success', transaction: r.transaction, data: { id: 777 } }],
        delayMs: 300,
      };
    };
    await expect(client.attach('janus.plugin.videoroom')).rejects.toThrow(/did not answer/);
    await until(() => janus.requests.some((r) => r.janus === 'detach'));
    expect(janus.requests.find((r) => r.janus === 'detach')?.handle_id).toBe(777);
  });

  it('destroys a VideoRoom room whose create succeeded after its deadline', async () => {
    const { janus, client } = await setUp();
    janus.override = (r) => {
      if (r.body?.request !== 'create') return undefined;
      return {
        messages: [
          {
            janus: 'success',
            transaction: r.transaction,
            plugindata: {
              plugin: 'janus.plugin.videoroom',
              data: { videoroom: 'created', room: r.body.room },
            },
          },
        ],
        delayMs: 300,
      };
    };
    await expect(client.pluginRequest(5, { request: 'create', room: 1234 })).rejects.toThrow(
      /did not answer/,
    );
    await until(() => janus.requests.some((r) => r.body?.request === 'destroy'));
    const destroy = janus.requests.find((r) => r.body?.request === 'destroy')!;
    expect(destroy.handle_id).toBe(5);
    expect(destroy.body?.room).toBe(1234);
  });

  it('keeps its late-reply bookkeeping bounded', async () => {
    const { janus, client } = await setUp({ requestTimeoutMs: 100, maxConsecutiveTimeouts: 10_000 });
    janus.override = () => 'silent';
    const attempts = Array.from({ length: MAX_LATE_REPLIES + 100 }, () =>
      client.attach('janus.plugin.videoroom').catch(() => undefined),
    );
    await Promise.all(attempts);
    expect(client.lateRepliesAwaited).toBeLessThanOrEqual(MAX_LATE_REPLIES);
    expect(client.lateRepliesAwaited).toBeGreaterThan(0);
  });

  it('reports the link lost on a timeout event for its session', async () => {
    const { janus, client, closed } = await setUp();
    janus.push({ janus: 'timeout', session_id: 42 });
    expect(await closed).toMatch(/timed out our session/);
    expect(client.isOpen).toBe(false);
    await expect(client.attach('x')).rejects.toThrow(/closed/);
  });

  it('ignores a timeout event for another session', async () => {
    const { janus, client } = await setUp();
    janus.push({ janus: 'timeout', session_id: 7 });
    await new Promise((r) => setTimeout(r, 100));
    expect(client.isOpen).toBe(true);
  });

  it('reports the link lost when Janus stops answering pings', async () => {
    const started = Date.now();
    const { closed } = await setUp({ pingMs: 50, pongTimeoutMs: 300 }, { autoPong: false });
    expect(await closed).toMatch(/no pong from janus in 300 ms/);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('reports the link lost after requests time out in a row, and not after one', async () => {
    const { janus, client, closed } = await setUp({ maxConsecutiveTimeouts: 3 });
    janus.override = (r) => (r.janus === 'attach' ? 'silent' : undefined);
    await client.attach('a').catch(() => undefined);
    await client.pluginRequest(1, { request: 'destroy', room: 1 });
    await client.attach('a').catch(() => undefined);
    await client.attach('a').catch(() => undefined);
    expect(client.isOpen).toBe(true);
    await client.attach('a').catch(() => undefined);
    expect(await closed).toMatch(/3 janus requests in a row timed out/);
  });

  it('reports the link lost when a keepalive fails', async () => {
    const { janus, closed } = await setUp({ keepaliveMs: 50 });
    janus.override = (r) =>
      r.janus === 'keepalive'
        ? {
            messages: [
              { janus: 'error', transaction: r.transaction, error: { code: 458, reason: 'No such session' } },
            ],
          }
        : undefined;
    expect(await closed).toMatch(/keepalive failed: No such session/);
  });

  it('gives up connecting to a Janus that accepts TCP but never answers the handshake', async () => {
    const sockets: Socket[] = [];
    const server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const started = Date.now();
    await expect(JanusClient.connect(`ws://127.0.0.1:${port}`, 's', logger, fast)).rejects.toThrow(
      /handshake/i,
    );
    expect(Date.now() - started).toBeLessThan(1000);
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
});

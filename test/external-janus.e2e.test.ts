import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { JanusProcess } from '../packages/server/src/sfu/janus-process.js';
import { startTestServer, type TestServer } from './support/server.js';

describe('--janus-url: the server drives a Janus it did not start', () => {
  const janus = new JanusProcess({
    bin: 'janus',
    wsPort: 0,
    rtpPortRange: '41000-41100',
    iceEnforceList: process.env.JANUS_ICE_ENFORCE_LIST,
    iceIgnoreList: 'vmnet',
    debugLevel: 3,
    logger: pino({ level: 'silent' }),
  });
  let server: TestServer;

  beforeAll(async () => {
    const endpoint = await janus.start();
    server = await startTestServer({
      JANUS_URL: endpoint.url,
      JANUS_API_SECRET: endpoint.apiSecret,
      JANUS_ADMIN_KEY: endpoint.adminKey,
    });
  });
  afterAll(async () => {
    await server?.stop();
    await janus.stop();
  });

  it('starts no Janus of its own and creates rooms on the external one', async () => {
    expect(server.logs.some((line) => line.includes('janus started'))).toBe(false);
    const ws = new WebSocket(server.wsUrl);
    const replies: { type: string }[] = [];
    ws.on('message', (data) => replies.push(JSON.parse(data.toString())));
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send(JSON.stringify({ type: 'join', id: 1, room: 'external', name: 'E' }));
    const deadline = Date.now() + 10_000;
    while (!replies.some((r) => r.type === 'joined' || r.type === 'error') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(replies.map((r) => r.type)).toContain('joined');
    ws.close();
  });

  it('refuses to work with a wrong API secret', async () => {
    const endpoint = janus.endpoint!;
    const bad = await startTestServer({ JANUS_URL: endpoint.url, JANUS_API_SECRET: 'wrong' }).catch(
      (e: Error) => e,
    );
    expect(bad).toBeInstanceOf(Error);
    expect(String(bad)).toMatch(/Unauthorized|failed to start/i);
  });
});

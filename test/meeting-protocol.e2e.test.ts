import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHAT_RATE } from '../packages/server/src/meeting/meeting-state.js';
import { MeetingObserver } from './support/meeting-observer.js';
import { startTestServer, type TestServer } from './support/server.js';

const ROOM = 'e2e-meeting-protocol';

/** Chat limits and history over the real server's WebSocket (participants with no media). */
describe('chat over the signalling protocol', () => {
  let server: TestServer;
  const clients: MeetingObserver[] = [];
  const join = async (name: string) => {
    const client = await MeetingObserver.join(server.wsUrl, ROOM, name);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    server = await startTestServer();
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await server?.stop();
  });

  it('refuses a burst over the limit with chat_rate_limited, one reply each, and keeps the socket', async () => {
    const ada = await join('Ada');
    const bo = await join('Bo');
    const sent = CHAT_RATE.burst + 5;
    for (let i = 0; i < sent; i++) ada.send({ type: 'chat', id: i, text: `burst ${i}` });
    const refusals = await new Promise<number>((resolve) => {
      const check = () => {
        const n = ada.of('error').filter((e) => e.code === 'chat_rate_limited').length;
        if (n + ada.of('chat').length >= sent) resolve(n);
        else setTimeout(check, 20);
      };
      check();
    });
    // Tokens trickle back at CHAT_RATE.perSecond while the burst is read: at least burst, at most a few more.
    const delivered = sent - refusals;
    expect(delivered).toBeGreaterThanOrEqual(CHAT_RATE.burst);
    expect(delivered).toBeLessThan(sent);
    await bo.next('chat', 5000, (m) => m.message.text === `burst ${delivered - 1}`);
    expect(bo.of('chat').map((m) => m.message.text)).toEqual(
      Array.from({ length: delivered }, (_, i) => `burst ${i}`),
    );
    // Stamped by the server: Ada's id and name, rising seq.
    expect(bo.of('chat').every((m) => m.message.from === ada.participantId && m.message.name === 'Ada')).toBe(
      true,
    );
    ada.send({ type: 'ping', id: 'still-open' });
    await ada.next('pong', 5000, (m) => m.replyTo === 'still-open');
  });

  it('refuses an over-long or empty text with invalid_chat, and a forged sender as a bad message', async () => {
    const ada = clients[0]!;
    ada.send({ type: 'chat', id: 'long', text: 'é'.repeat(1025) });
    ada.send({ type: 'chat', id: 'blank', text: '  \n ' });
    ada.send({ type: 'chat', id: 'forged', text: 'hi', from: 'p_x' } as never);
    await ada.next('error', 5000, (e) => e.replyTo === 'long' && e.code === 'invalid_chat');
    await ada.next('error', 5000, (e) => e.replyTo === 'blank' && e.code === 'invalid_chat');
    await ada.next('error', 5000, (e) => e.replyTo === 'forged' && e.code === 'bad_message');
  });

  it('sends a late joiner the history, in order, right after joined', async () => {
    const before = clients[1]!.of('chat').map((m) => m.message);
    const cy = await join('Cy');
    const types = cy.received.map((r) => r.message.type);
    expect(types.indexOf('roomState')).toBe(types.indexOf('joined') + 1);
    const state = await cy.next('roomState', 5000);
    expect(state.chat).toEqual(before);
    expect(state.participants.map((p) => p.participantId).sort()).toEqual(
      clients.map((c) => c.participantId).sort(),
    );
  });
});

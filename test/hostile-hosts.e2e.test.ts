import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BROWSER_OFFER } from '../packages/bench/src/fuzz/seeds.js';
import {
  expectUnharmed,
  normalJoin,
  type Origin,
  outcome,
  RoomsClient,
  TRUSTED_VIAS,
} from './support/hostile-rooms.js';
import { usage } from './support/process.js';
import { startTestServer, type TestServer } from './support/server.js';

/**
 * Attacks on hosts and access (issue 11 item 6) against the real server and Janus: a participant who is not
 * host sends every host action, a newcomer held in a locked room's waiting room sends room messages, and an
 * address guesses a room's password. Each role comes from its own address (support/hostile-rooms.ts).
 */
const HOST: Origin = { via: '127.0.0.4', forwardedFor: '203.0.113.4' };
const MEMBER: Origin = { via: '127.0.0.3', forwardedFor: '203.0.113.3' };
const WAITER: Origin = { via: '127.0.0.5', forwardedFor: '203.0.113.5' };
const GUESSER: Origin = { via: '127.0.0.1', forwardedFor: '203.0.113.66' };
const PASSWORD_FAILURES_PER_MINUTE = 3;

describe('hosts and access under hostile clients', () => {
  let server: TestServer;
  const opened: RoomsClient[] = [];
  const open = async (origin: Origin): Promise<RoomsClient> => {
    const client = await RoomsClient.open(server.wsUrl, origin);
    opened.push(client);
    return client;
  };
  afterEach(async () => {
    for (const client of opened.splice(0)) await client.close();
  });
  beforeAll(async () => {
    server = await startTestServer({
      TRUST_PROXY: TRUSTED_VIAS.join(','),
      MESSAGES_PER_SECOND: '1000',
      BAD_MESSAGES_PER_MINUTE: '100000',
      PASSWORD_FAILURES_PER_MINUTE_PER_ADDRESS: String(PASSWORD_FAILURES_PER_MINUTE),
    });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('refuses every host action from a non-host with forbidden, and nothing changes', async () => {
    const before = await usage(server.process.pid!);
    const room = 'forbidden-room';
    const host = await open(HOST);
    const joined = await host.request({ type: 'join', room, name: 'Host' });
    expect(outcome(joined)).toBe('joined');
    const member = await open(MEMBER);
    expect(outcome(await member.request({ type: 'join', room, name: 'Member' }))).toBe('joined');
    const hostId = joined.type === 'joined' ? joined.participantId : '';
    const actions = [
      { type: 'setRoomLock', locked: true },
      { type: 'setRoomPassword', password: 'taken-over' },
      { type: 'removeParticipant', participantId: hostId },
      { type: 'answerKnock', waitingId: 'w_nobody', admit: false },
      { type: 'muteAll' },
    ];
    for (const action of actions) {
      const reply = await member.request(action);
      expect(outcome(reply), action.type).toBe('forbidden');
    }
    const hostHeard = host.received.filter((m) => ['muteRequest', 'roomAccess', 'removed'].includes(m.type));
    expect(hostHeard).toEqual([]);
    // Still open, no password: a normal person walks straight in (normalJoin throws otherwise).
    const joinMs = await normalJoin(server, room);
    console.log(
      `[hostile-hosts] ${actions.length} host actions from a non-host: all forbidden; normal join ${joinMs.toFixed(0)} ms`,
    );
    await expectUnharmed(server, 'host actions from a non-host', before, 'forbidden-after');
  });

  it('keeps a waiting newcomer out of the room whatever it sends, and forgets it when it goes', async () => {
    const before = await usage(server.process.pid!);
    const room = 'waiting-room';
    const host = await open(HOST);
    const joined = await host.request({ type: 'join', room, name: 'Host' });
    const hostId = joined.type === 'joined' ? joined.participantId : '';
    expect(outcome(await host.request({ type: 'setRoomLock', locked: true }))).toBe('roomAccess');
    const waiter = await open(WAITER);
    waiter.send({ type: 'join', id: 'knock', room, name: 'Waiter' });
    await waiter.waitFor((m) => m.type === 'waiting');
    const list = await host.waitFor((m) => m.type === 'waitingList' && m.waiting.length === 1);
    const waitingId = list.type === 'waitingList' ? list.waiting[0]?.id : undefined;
    const attempts = [
      { type: 'publish', sdp: BROWSER_OFFER },
      { type: 'trickle', target: 'publisher', candidate: null },
      { type: 'peerSignal', to: hostId, candidate: null },
      { type: 'directMedia', peerId: hostId, receiving: true },
      { type: 'restartSubscriberIce' },
      { type: 'setRoomLock', locked: false },
      { type: 'answerKnock', waitingId, admit: true },
      { type: 'removeParticipant', participantId: hostId },
      { type: 'muteAll' },
      { type: 'join', room, name: 'Waiter again' },
    ];
    // Answered at once (trickle, peerSignal) or queued behind the waiting join, within its queue bound.
    for (const attempt of attempts) waiter.send({ ...attempt, id: `a-${attempt.type}` });
    await waiter.waitFor((m) => m.type === 'error' && m.replyTo === 'a-peerSignal');
    const heard = new Set<string>(waiter.received.map((m) => m.type));
    for (const type of ['joined', 'participantJoined', 'subscriberOffer', 'publishAnswer', 'roomAccess'])
      expect(heard.has(type), `a waiting newcomer got ${type}`).toBe(false);
    expect(host.received.some((m) => m.type === 'participantJoined' || m.type === 'muteRequest')).toBe(false);
    // The host's room is still locked and the newcomer still waits; it leaves by closing its socket.
    await waiter.close();
    await host.waitFor((m) => m.type === 'waitingList' && m.waiting.length === 0);
    const refused = await (await open(MEMBER)).request({ type: 'join', room, name: 'Late' }, 3_000);
    expect(outcome(refused)).toBe('waiting');
    console.log(
      `[hostile-hosts] waiting newcomer sent ${attempts.length} room messages: none reached the room`,
    );
    await expectUnharmed(server, 'a waiting newcomer sending room messages', before, 'waiting-after');
  });

  it('rate-limits password guessing per address; the right password still works from elsewhere', async () => {
    const before = await usage(server.process.pid!);
    const room = 'password-room';
    const host = await open(HOST);
    expect(outcome(await host.request({ type: 'join', room, name: 'Host', password: 'open sesame' }))).toBe(
      'joined',
    );
    const guesser = await open(GUESSER);
    const outcomes: string[] = [];
    for (let i = 0; i < 10; i++)
      outcomes.push(
        outcome(await guesser.request({ type: 'join', room, name: 'Guesser', password: `guess ${i}` })),
      );
    outcomes.push(
      outcome(await guesser.request({ type: 'join', room, name: 'Guesser', password: 'open sesame' })),
    );
    console.log(`[hostile-hosts] password guesses: ${outcomes.join(',')}`);
    expect(outcomes.slice(0, PASSWORD_FAILURES_PER_MINUTE)).toEqual(
      Array(PASSWORD_FAILURES_PER_MINUTE).fill('wrong_password'),
    );
    expect(new Set(outcomes.slice(PASSWORD_FAILURES_PER_MINUTE))).toEqual(new Set(['password_rate_limited']));
    const member = await open(MEMBER);
    expect(outcome(await member.request({ type: 'join', room, name: 'Member' }))).toBe('password_required');
    expect(
      outcome(await member.request({ type: 'join', room, name: 'Member', password: 'open sesame' })),
    ).toBe('joined');
    await expectUnharmed(server, 'password guessing', before, 'password-after');
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLOSE_CODES, type IceServer } from '@backdrop/protocol';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { FakeSfu } from '../../test/fake-sfu.js';
import { FakeSocket } from '../../test/fake-socket.js';
import { until } from '../../test/until.js';
import { type RoomLimits, RoomRegistry } from '../rooms/registry.js';
import { SignalingConnection } from './connection.js';

const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));
const answered = (socket: FakeSocket) => () =>
  socket.sent.some((m) => m.type === 'joined' || m.type === 'error');
const OFFER = readFileSync(join(import.meta.dirname, 'fixtures', 'chromium-offer.sdp'), 'utf8');
const LIMITS: RoomLimits = {
  maxParticipantsPerRoom: 8,
  maxRooms: 10,
  maxParticipants: 100,
  joinsPerMinutePerAddress: 100,
  roomCreationsPerMinutePerAddress: 100,
};

/** A registry over a FakeSfu, and sockets on it, each a real SignalingConnection. */
function setup(options: { windowMs?: number; limits?: Partial<RoomLimits> } = {}) {
  const sfu = new FakeSfu();
  let credentials = 0;
  const registry = new RoomRegistry({
    sfu: () => sfu,
    limits: { ...LIMITS, ...options.limits },
    logger: pino({ level: 'silent' }),
    resumeWindowMs: options.windowMs ?? 10_000,
    iceServersFor: (id): IceServer[] => [
      { urls: ['turn:192.0.2.1:3478'], username: `${++credentials}:${id}`, credential: 'x' },
    ],
  });
  const connect = () => {
    const socket = new FakeSocket();
    const connection = new SignalingConnection(
      socket as unknown as WebSocket,
      registry,
      pino({ level: 'silent' }),
      '192.0.2.1',
      { messagesPerSecond: 1000, badMessagesPerMinute: 2, sendBufferLimitBytes: 1_000_000 },
    );
    return { socket, connection };
  };
  /** A socket that joined room r as `name`, with its `joined` reply. */
  const joinAs = async (name: string) => {
    const { socket, connection } = connect();
    socket.message({ type: 'join', room: 'r', name });
    await until(answered(socket), `${name} joining`);
    const joined = socket.ofType('joined')[0];
    if (!joined) throw new Error(`${name} did not join: ${JSON.stringify(socket.sent)}`);
    return { socket, connection, joined };
  };
  /** A new socket that resumes with `token`; resolves with it once answered. */
  const resume = async (token: string, id: string | number = 'r1') => {
    const { socket, connection } = connect();
    socket.message({ type: 'resume', id, token });
    await until(answered(socket), 'resume answered');
    return { socket, connection };
  };
  return { sfu, registry, connect, joinAs, resume };
}

describe('resume', () => {
  it('keeps a participant whose socket was lost: the others see reconnecting, then connected, never a leave', async () => {
    const { sfu, registry, joinAs, resume } = setup();
    const a = await joinAs('Ann');
    const b = await joinAs('Bob');
    a.socket.lose();
    await tick();
    expect(b.socket.ofType('participantConnection')).toEqual([
      { type: 'participantConnection', participantId: a.joined.participantId, state: 'reconnecting' },
    ]);
    expect(registry.get('r')?.size).toBe(2);
    expect(sfu.publishers[0]?.closed).toBe(false);

    const a2 = await resume(a.joined.resumeToken, 7);
    const joined = a2.socket.ofType('joined')[0];
    expect(joined).toMatchObject({
      replyTo: 7,
      room: 'r',
      participantId: a.joined.participantId,
      participants: [{ id: b.joined.participantId, name: 'Bob' }],
      resumed: true,
      resumeWindowMs: 10_000,
    });
    expect(joined?.resumeToken).not.toBe(a.joined.resumeToken);
    expect(b.socket.ofType('participantConnection').map((m) => m.state)).toEqual([
      'reconnecting',
      'connected',
    ]);
    expect(b.socket.ofType('participantLeft')).toEqual([]);
    expect(sfu.calls.filter((c) => c === 'createPublisher')).toHaveLength(2);
    // The resumed socket is the participant's now: it can leave.
    a2.socket.message({ type: 'leave', id: 'bye' });
    await tick();
    expect(a2.socket.ofType('left')).toHaveLength(1);
    expect(b.socket.ofType('participantLeft')).toHaveLength(1);
  });

  it('tells a newcomer, after its joined, who is reconnecting right now', async () => {
    const { joinAs } = setup();
    const a = await joinAs('Ann');
    a.socket.lose();
    const c = await joinAs('Cat');
    expect(c.socket.sent.map((m) => m.type)).toEqual([
      'welcome',
      'joined',
      'participantConnection',
      'roomState',
    ]);
    expect(c.socket.ofType('participantConnection')[0]).toMatchObject({
      participantId: a.joined.participantId,
      state: 'reconnecting',
    });
  });

  it('gives fresh ICE servers (new TURN credentials) on resume', async () => {
    const { joinAs, resume } = setup();
    const a = await joinAs('Ann');
    a.socket.lose();
    await tick();
    const joined = (await resume(a.joined.resumeToken)).socket.ofType('joined')[0];
    expect(joined?.iceServers[0]?.username).toBe(`2:${a.joined.participantId}`);
    expect(a.joined.iceServers[0]?.username).toBe(`1:${a.joined.participantId}`);
  });

  it('removes the participant when the window runs out (participantLeft, handles closed); a late resume fails', async () => {
    const { sfu, registry, joinAs, resume } = setup({ windowMs: 1000 });
    const a = await joinAs('Ann');
    const b = await joinAs('Bob');
    a.socket.lose();
    await tick(20);
    expect(b.socket.ofType('participantLeft')).toEqual([]);
    await until(() => b.socket.ofType('participantLeft').length > 0, 'participantLeft');
    expect(b.socket.ofType('participantLeft')).toEqual([
      { type: 'participantLeft', participantId: a.joined.participantId },
    ]);
    expect(registry.get('r')?.size).toBe(1);
    await until(() => sfu.calls.includes('subscriberClosed'), 'handles closed');
    expect(sfu.publishers[0]?.closed).toBe(true);
    expect(sfu.subscribers[0]?.closed).toBe(true);
    const late = await resume(a.joined.resumeToken);
    expect(late.socket.errorCodes()).toEqual(['resume_failed']);
    expect(late.socket.ofType('joined')).toEqual([]);
  });

  it('takes a token once: the old token fails after a resume, the new one works', async () => {
    const { joinAs, resume } = setup();
    const a = await joinAs('Ann');
    a.socket.lose();
    await tick();
    const a2 = await resume(a.joined.resumeToken);
    const second = a2.socket.ofType('joined')[0]?.resumeToken ?? '';
    a2.socket.lose();
    await tick();
    expect((await resume(a.joined.resumeToken)).socket.errorCodes()).toEqual(['resume_failed']);
    const a3 = await resume(second);
    expect(a3.socket.ofType('joined')[0]?.participantId).toBe(a.joined.participantId);
  });

  it('answers a wrong token like any other failure, and a resume after a join with invalid_state', async () => {
    const { joinAs, resume } = setup();
    const a = await joinAs('Ann');
    a.socket.lose();
    await tick();
    const wrong = await resume('A'.repeat(43));
    expect(wrong.socket.sent.at(-1)).toMatchObject({ type: 'error', code: 'resume_failed', replyTo: 'r1' });
    const other = await joinAs('Bob');
    other.socket.message({ type: 'resume', token: a.joined.resumeToken });
    await tick();
    expect(other.socket.errorCodes()).toEqual(['invalid_state']);
  });

  it('moves a participant still attached: the old socket is closed with resumedElsewhere and leaves nothing', async () => {
    const { registry, joinAs, resume } = setup();
    const a = await joinAs('Ann');
    const b = await joinAs('Bob');
    const a2 = await resume(a.joined.resumeToken);
    expect(a.socket.closeCode).toBe(CLOSE_CODES.resumedElsewhere);
    expect(a2.socket.ofType('joined')[0]?.participantId).toBe(a.joined.participantId);
    a.socket.lose(); // the old socket's own close event comes later
    await tick();
    expect(registry.get('r')?.size).toBe(2);
    expect(b.socket.ofType('participantConnection')).toEqual([]);
    expect(b.socket.ofType('participantLeft')).toEqual([]);
    // Messages go to the new socket only.
    const before = a.socket.sent.length;
    a2.socket.message({ type: 'publish', id: 'p', sdp: OFFER });
    await tick();
    expect(a2.socket.ofType('publishAnswer')).toHaveLength(1);
    expect(a.socket.sent.length).toBe(before);
  });

  it('detaches after a heartbeat timeout, but removes at once after abuse (too many bad messages)', async () => {
    const { joinAs } = setup();
    const a = await joinAs('Ann');
    const b = await joinAs('Bob');
    const c = await joinAs('Cat');
    await a.connection.close(CLOSE_CODES.heartbeatTimeout, 'heartbeat timeout', { terminate: true });
    expect(c.socket.ofType('participantConnection').map((m) => m.participantId)).toEqual([
      a.joined.participantId,
    ]);
    for (let i = 0; i < 3; i++) b.socket.frame('not json');
    await tick();
    expect(b.socket.closeCode).toBe(CLOSE_CODES.tooManyBadMessages);
    expect(c.socket.ofType('participantLeft').map((m) => m.participantId)).toEqual([b.joined.participantId]);
    expect(c.socket.ofType('participantConnection')).toHaveLength(1);
  });

  it('removes at once on server shutdown (1001) and the SFU lost (1012)', async () => {
    const { joinAs } = setup();
    const a = await joinAs('Ann');
    const b = await joinAs('Bob');
    const c = await joinAs('Cat');
    await a.connection.close(CLOSE_CODES.goingAway, 'server shutting down');
    await b.connection.close(CLOSE_CODES.serviceRestart, 'media server restarted');
    expect(c.socket.ofType('participantLeft')).toHaveLength(2);
    expect(c.socket.ofType('participantConnection')).toEqual([]);
  });

  it('with RESUME_WINDOW_MS=0 a lost socket leaves at once and no token resumes', async () => {
    const { joinAs, resume } = setup({ windowMs: 0 });
    const a = await joinAs('Ann');
    const b = await joinAs('Bob');
    expect(a.joined.resumeWindowMs).toBe(0);
    a.socket.lose();
    await tick();
    expect(b.socket.ofType('participantLeft')).toHaveLength(1);
    expect(b.socket.ofType('participantConnection')).toEqual([]);
    expect((await resume(a.joined.resumeToken)).socket.errorCodes()).toEqual(['resume_failed']);
  });

  it('re-sends a subscriber offer made while away, after joined, and takes its answer', async () => {
    const { sfu, joinAs, resume } = setup();
    const a = await joinAs('Ann');
    await joinAs('Bob');
    a.socket.lose();
    await tick();
    sfu.publishers[1]?.emit('connected'); // Bob's media is up: Ann's subscription wants it while she is away
    await tick();
    expect(sfu.subscribers[0]?.updates).toBe(1);
    const a2 = await resume(a.joined.resumeToken);
    expect(a2.socket.sent.map((m) => m.type)).toEqual(['welcome', 'joined', 'roomState', 'subscriberOffer']);
    expect(a2.socket.ofType('subscriberOffer')[0]).toMatchObject({
      sdp: 'offer-1',
      streams: [{ participantId: expect.stringMatching(/^p_/), kind: 'video' }],
    });
    a2.socket.message({ type: 'subscriberAnswer', sdp: 'answer-1' });
    await tick();
    expect(sfu.subscribers[0]?.answers).toEqual(['answer-1']);
  });

  it('counts resumes against the per-address join rate', async () => {
    const { joinAs, resume } = setup({ limits: { joinsPerMinutePerAddress: 2 } });
    const a = await joinAs('Ann');
    const a2 = await resume(a.joined.resumeToken);
    const token = a2.socket.ofType('joined')[0]?.resumeToken ?? '';
    expect((await resume(token)).socket.errorCodes()).toEqual(['join_rate_limited']);
  });

  it('drops away participants at once when the server drains, and refuses resumes then', async () => {
    const { registry, joinAs, resume } = setup();
    const a = await joinAs('Ann');
    const b = await joinAs('Bob');
    a.socket.lose();
    await tick();
    registry.drain();
    await tick();
    expect(b.socket.ofType('participantLeft')).toHaveLength(1);
    b.socket.lose();
    await tick();
    expect(registry.get('r')).toBeUndefined();
    expect((await resume(a.joined.resumeToken)).socket.errorCodes()).toEqual(['resume_failed']);
  });
});

describe('ICE restart', () => {
  it('restarts the publisher only after a publish, with the same SDP checks, answered with publishAnswer', async () => {
    const { sfu, joinAs } = setup();
    const a = await joinAs('Ann');
    a.socket.message({ type: 'restartPublisherIce', id: 1, sdp: OFFER });
    await tick();
    expect(a.socket.errorCodes()).toEqual(['invalid_state']);
    a.socket.message({ type: 'publish', id: 2, sdp: OFFER });
    await tick();
    a.socket.message({ type: 'restartPublisherIce', id: 3, sdp: OFFER.replace('a=sendonly', 'a=sendrecv') });
    await tick();
    expect(a.socket.errorCodes()).toEqual(['invalid_state', 'bad_sdp']);
    a.socket.message({ type: 'restartPublisherIce', id: 4, sdp: OFFER });
    await tick();
    expect(a.socket.ofType('publishAnswer').at(-1)).toEqual({
      type: 'publishAnswer',
      replyTo: 4,
      sdp: 'restart-answer-1',
    });
    expect(sfu.publishers[0]?.restarts).toEqual([OFFER]);
  });

  it("holds the browser's candidates sent right after a publisher restart until the SFU has the offer", async () => {
    const { sfu, joinAs } = setup();
    const a = await joinAs('Ann');
    a.socket.message({ type: 'publish', sdp: OFFER });
    await tick();
    const publisher = sfu.publishers[0];
    if (!publisher) throw new Error('no publisher');
    let restarted = () => {};
    const gate = new Promise<void>((resolve) => {
      restarted = resolve;
    });
    const restartIce = publisher.restartIce.bind(publisher);
    publisher.restartIce = async (sdp) => {
      await gate;
      return restartIce(sdp);
    };
    const candidate = { candidate: 'candidate:2 1 udp 1 192.0.2.9 6000 typ host', sdpMid: '0' };
    a.socket.message({ type: 'restartPublisherIce', sdp: OFFER });
    a.socket.message({ type: 'trickle', target: 'publisher', candidate });
    await tick();
    expect(publisher.trickled).toEqual([]);
    restarted();
    await tick();
    expect(publisher.trickled).toEqual([candidate]);
  });

  it('restarts the subscriber through its negotiation loop: the restart offer comes as a subscriberOffer', async () => {
    const { sfu, joinAs } = setup();
    const a = await joinAs('Ann');
    await joinAs('Bob');
    a.socket.message({ type: 'restartSubscriberIce', id: 1 });
    await tick();
    expect(a.socket.errorCodes()).toEqual(['invalid_state']); // no subscriber PeerConnection yet
    sfu.publishers[1]?.emit('connected');
    await tick();
    // Asked while the first offer waits for its answer: the restart waits its turn.
    a.socket.message({ type: 'restartSubscriberIce', id: 2 });
    await tick();
    expect(a.socket.ofType('subscriberOffer').map((m) => m.sdp)).toEqual(['offer-1']);
    a.socket.message({ type: 'subscriberAnswer', sdp: 'answer-1' });
    await tick();
    const offers = a.socket.ofType('subscriberOffer');
    expect(offers.map((m) => m.sdp)).toEqual(['offer-1', 'restart-offer-1']);
    expect(offers[1]?.streams).toEqual(offers[0]?.streams);
    a.socket.message({ type: 'subscriberAnswer', sdp: 'answer-2' });
    await tick();
    expect(sfu.subscribers[0]?.answers).toEqual(['answer-1', 'answer-2']);
  });
});

import { CLOSE_CODES } from '@backdrop/protocol';
import { describe, expect, it } from 'vitest';
import { settle } from '../test/fake-clock.js';
import { asTrack, FakeTrack } from '../test/fake-media.js';
import {
  BOB,
  CAROL,
  DAN,
  join,
  joinedMessage,
  NAME,
  publish,
  RESUME_WINDOW_MS,
  ROOM,
  restartedSubscriberOffer,
  setUpRoom,
  subscribe,
} from '../test/room-harness.js';
import { DEFAULT_RECOVERY } from './recovery.js';

describe('heartbeat', () => {
  it('pings every interval and stays connected while the server answers', async () => {
    const h = setUpRoom();
    const socket = await join(h);
    await h.clock.advance(10 * DEFAULT_RECOVERY.pingIntervalMs);
    expect(socket.sentOf('ping')).toHaveLength(10);
    expect(h.room.state).toBe('connected');
    expect(h.server.sockets).toHaveLength(1);
  });

  it('calls a silent socket dead within the silence timeout, closes it and reconnects', async () => {
    const h = setUpRoom();
    const socket = await join(h);
    await h.clock.advance(DEFAULT_RECOVERY.pingIntervalMs); // a ping and its pong: heard just now
    const silentFrom = h.clock.now();
    socket.silent = true;
    let reconnectingAt: number | undefined;
    h.room.on('connectionStateChanged', (s) => {
      if (s === 'reconnecting') reconnectingAt = h.clock.now();
    });
    await h.clock.advance(DEFAULT_RECOVERY.silenceTimeoutMs - 1);
    expect(h.room.state).toBe('connected');
    await h.clock.advance(1);
    expect(reconnectingAt! - silentFrom).toBe(DEFAULT_RECOVERY.silenceTimeoutMs);
    expect(socket.closedWith?.by).toBe('client');
    expect(h.server.sockets).toHaveLength(2);
    expect(h.server.last.sentOf('resume')).toHaveLength(1);
  });
});

describe('reconnect', () => {
  it('backs off 0, 250, 500, 1000, 2000, 4000, 4000 ms between attempts while the server is unreachable', async () => {
    const h = setUpRoom();
    const first = await join(h);
    h.server.onConnection = (socket) => socket.cut(1006);
    first.cut(1006);
    await settle();
    const lostAt = h.clock.now();
    await h.clock.advance(20_000);
    const opened = h.server.sockets.slice(1).map((s) => s.openedAt);
    const waits = opened.map((at, i) => at - (i === 0 ? lostAt : opened[i - 1]!));
    const steps = DEFAULT_RECOVERY.reconnectDelaysMs;
    expect(waits.slice(0, steps.length + 1)).toEqual([...steps, steps.at(-1)]);
    expect(h.room.state).toBe('reconnecting');
  });

  it('spreads the waits by the jitter', async () => {
    const h = setUpRoom({ random: () => 0 });
    const first = await join(h);
    h.server.onConnection = (socket) => socket.cut(1006);
    first.cut(1006);
    await h.clock.advance(4_000);
    const [a, b, c] = h.server.sockets.slice(1).map((s) => s.openedAt);
    expect(c! - b!).toBe(DEFAULT_RECOVERY.reconnectDelaysMs[2]! * (1 - DEFAULT_RECOVERY.jitter));
    expect(b! - a!).toBe(DEFAULT_RECOVERY.reconnectDelaysMs[1]! * (1 - DEFAULT_RECOVERY.jitter));
  });

  it('resumes: participants, tracks and PeerConnections kept, new ICE servers, ICE restarted on both', async () => {
    const h = setUpRoom();
    const first = await join(h, [BOB, CAROL]);
    const { pc: publisherPc } = await publish(h, first);
    const subscriberPc = await subscribe(h, first, [BOB.id, CAROL.id]);
    const bobTracks = h.room.participants.get(BOB.id)!.stream.getTracks();
    expect(bobTracks).toHaveLength(2);
    first.cut(1006);
    await settle();
    expect(h.room.state).toBe('reconnecting');
    expect(h.room.participants.size).toBe(2);
    expect(publisherPc.closed || subscriberPc.closed).toBe(false);

    await h.clock.advance(0);
    const second = h.server.last;
    const resume = await second.received('resume');
    const newTurn = [{ urls: ['turn:198.51.100.1:3478'], username: '2:p_me', credential: 'fresh' }];
    second.deliver(
      joinedMessage(resume.id, { resumed: true, participants: [BOB, DAN], iceServers: newTurn }),
    );
    const restart = await second.received('restartPublisherIce');
    expect(restart.sdp).toMatch(/restart$/);
    expect(publisherPc.offers.at(-1)).toEqual({ iceRestart: true });
    second.deliver({ type: 'publishAnswer', replyTo: restart.id, sdp: 'restarted answer' });
    await second.received('restartSubscriberIce');
    second.deliver(restartedSubscriberOffer(BOB.id));
    await second.received('subscriberAnswer');
    await settle();

    expect(h.room.state).toBe('connected');
    expect(h.events).toContain('reconnected resumed=true');
    expect(h.events.slice(h.events.indexOf('state reconnecting'))).toEqual([
      'state reconnecting',
      `left ${CAROL.id}`,
      `joined ${DAN.id}`,
      'state connected',
      'reconnected resumed=true',
    ]);
    expect(h.pcs.all).toEqual([publisherPc, subscriberPc]);
    expect(publisherPc.closed || subscriberPc.closed).toBe(false);
    expect(publisherPc.remoteDescription?.sdp).toBe('restarted answer');
    for (const pc of [publisherPc, subscriberPc]) {
      expect(pc.configurations.at(-1)?.iceServers).toEqual(newTurn);
    }
    expect(h.room.participants.get(BOB.id)!.stream.getTracks()).toEqual(bobTracks);
    expect(second.sentOf('join')).toHaveLength(0);
    expect(second.sentOf('publish')).toHaveLength(0);
  });

  it('a publish asked for while reconnecting waits for the resume, then publishes on the new socket', async () => {
    const h = setUpRoom();
    const first = await join(h, [BOB]);
    first.cut(1006);
    await settle();
    expect(h.room.state).toBe('reconnecting');
    let published = false;
    const publishing = h.room.publish([asTrack(new FakeTrack('audio')), asTrack(new FakeTrack('video'))]);
    void publishing.then(() => {
      published = true;
    });
    await h.clock.advance(0);
    const second = h.server.last;
    const resume = await second.received('resume');
    expect(published).toBe(false);
    expect(second.sentOf('publish')).toHaveLength(0);
    second.deliver(joinedMessage(resume.id, { resumed: true, participants: [BOB] }));
    const request = await second.received('publish');
    second.deliver({ type: 'publishAnswer', replyTo: request.id, sdp: 'answer from janus' });
    await publishing;
    expect(first.sentOf('publish')).toHaveLength(0);
    expect(h.room.state).toBe('connected');
  });

  it('a publish asked for while reconnecting is refused when the connection ends', async () => {
    const h = setUpRoom();
    const first = await join(h);
    first.cut(1006);
    await settle();
    const outcome = h.room.publish([asTrack(new FakeTrack('audio')), asTrack(new FakeTrack('video'))]).then(
      () => 'published',
      (error: unknown) => error,
    );
    h.server.onConnection = (socket) => socket.cut(1006);
    await h.clock.advance(RESUME_WINDOW_MS * 3);
    expect(h.room.state).toBe('disconnected');
    expect(await outcome).toMatchObject({ code: 'invalid_state' });
    expect(h.server.sockets.flatMap((socket) => socket.sentOf('publish'))).toHaveLength(0);
  });

  it('resumes with the token of the latest joined', async () => {
    const h = setUpRoom();
    const joining = h.room.join(ROOM, NAME);
    await settle();
    const first = h.server.last;
    const reply = joinedMessage((await first.received('join')).id);
    first.deliver(reply);
    await joining;
    first.cut(CLOSE_CODES.heartbeatTimeout);
    await h.clock.advance(0);
    const second = h.server.last;
    const resume = await second.received('resume');
    expect(resume.token).toBe(reply.resumeToken);
    const resumed = joinedMessage(resume.id, { resumed: true });
    second.deliver(resumed);
    await settle();
    second.cut(1006);
    await h.clock.advance(0);
    expect((await h.server.last.received('resume')).token).toBe(resumed.resumeToken);
  });

  it('resume_failed: joins afresh and publishes the same (current) tracks on new PeerConnections', async () => {
    const h = setUpRoom();
    const first = await join(h, [BOB]);
    const { audio, pc: oldPublisher } = await publish(h, first);
    const oldSubscriber = await subscribe(h, first, [BOB.id]);
    first.cut(CLOSE_CODES.serviceRestart);
    await settle();
    // The effect is switched on while we are away: that track must be the one published again.
    const processed = new FakeTrack('video');
    await h.room.replaceVideoTrack(asTrack(processed));

    await h.clock.advance(0);
    const second = h.server.last;
    const resume = await second.received('resume');
    second.deliver({ type: 'error', replyTo: resume.id, code: 'resume_failed', message: 'gone' });
    const rejoin = await second.received('join');
    expect(rejoin).toMatchObject({ room: ROOM, name: NAME });
    // Our former self may still be listed while the server forgets it: never a remote participant.
    second.deliver(
      joinedMessage(rejoin.id, { participantId: 'p_me2', participants: [BOB, { id: 'p_me', name: NAME }] }),
    );
    const republish = await second.received('publish');
    second.deliver({ type: 'publishAnswer', replyTo: republish.id, sdp: 'answer 2' });
    await settle();

    expect(oldPublisher.closed && oldSubscriber.closed).toBe(true);
    const newPublisher = h.pcs.all.at(-1)!;
    expect(newPublisher).not.toBe(oldPublisher);
    expect(newPublisher.getSenders().map((s) => s.track)).toEqual([audio, processed, null, null]);
    expect(newPublisher.remoteDescription?.sdp).toBe('answer 2');
    expect(h.room.localParticipantId).toBe('p_me2');
    expect([...h.room.participants.keys()]).toEqual([BOB.id]);
    expect(h.room.participants.get(BOB.id)!.stream.getTracks()).toEqual([]);
    expect(h.events.filter((e) => e.startsWith('left') || e.startsWith('joined'))).toEqual([
      `joined ${BOB.id}`,
    ]);
    expect(h.events).toContain('reconnected resumed=false');
    expect(h.room.state).toBe('connected');
  });

  it('a server without resume (invalid_state) gets a fresh join', async () => {
    const h = setUpRoom();
    const first = await join(h);
    first.cut(1006);
    await h.clock.advance(0);
    const second = h.server.last;
    const resume = await second.received('resume');
    second.deliver({
      type: 'error',
      replyTo: resume.id,
      code: 'invalid_state',
      message: 'resume is not supported yet',
    });
    second.deliver(joinedMessage((await second.received('join')).id, { participantId: 'p_me2' }));
    await settle();
    expect(h.events.slice(-2)).toEqual(['state connected', 'reconnected resumed=false']);
  });

  it('a busy server (sfu_unavailable) is asked to resume again later, not joined', async () => {
    const h = setUpRoom();
    const first = await join(h);
    first.cut(CLOSE_CODES.serviceRestart);
    await h.clock.advance(0);
    const second = h.server.last;
    const resume = await second.received('resume');
    second.deliver({ type: 'error', replyTo: resume.id, code: 'sfu_unavailable', message: 'restarting' });
    await h.clock.advance(DEFAULT_RECOVERY.reconnectDelaysMs[1]!);
    expect(second.sentOf('join')).toEqual([]);
    expect(second.closedWith?.by).toBe('client');
    expect(h.server.last.sentOf('resume')).toHaveLength(1);
  });

  it('past the resume window it joins without trying resume', async () => {
    const h = setUpRoom();
    const first = await join(h);
    h.server.onConnection = (socket) => socket.cut(1006);
    first.cut(1006);
    await h.clock.advance(RESUME_WINDOW_MS + 1);
    h.server.onConnection = (socket) => socket.deliver({ type: 'welcome', protocol: 1 });
    await h.clock.advance(DEFAULT_RECOVERY.reconnectDelaysMs.at(-1)!);
    const socket = h.server.last;
    const rejoin = await socket.received('join');
    expect(socket.sentOf('resume')).toEqual([]);
    socket.deliver(joinedMessage(rejoin.id));
    await settle();
    expect(h.room.state).toBe('connected');
  });

  it.each([
    CLOSE_CODES.rateLimited,
    CLOSE_CODES.tooManyBadMessages,
    CLOSE_CODES.slowConsumer,
    CLOSE_CODES.tooManyConnections,
  ])('never reconnects after close %i', async (code) => {
    const h = setUpRoom();
    const socket = await join(h, [BOB]);
    socket.cut(code, 'abuse');
    await h.clock.advance(DEFAULT_RECOVERY.giveUpAfterMs);
    expect(h.server.sockets).toHaveLength(1);
    expect(h.room.state).toBe('disconnected');
    expect(h.events.slice(-3)).toEqual([
      `left ${BOB.id}`,
      'state disconnected',
      `error connection_lost ${code}`,
    ]);
  });

  it('never reconnects after leave', async () => {
    const h = setUpRoom();
    const socket = await join(h);
    const leaving = h.room.leave();
    const leave = await socket.received('leave');
    socket.deliver({ type: 'left', replyTo: leave.id });
    await leaving;
    socket.cut(1006);
    await h.clock.advance(DEFAULT_RECOVERY.giveUpAfterMs);
    expect(h.server.sockets).toHaveLength(1);
    expect(h.events.at(-1)).toBe('state disconnected');
    expect(h.network.subscribers).toBe(0);
    expect(h.clock.pending).toBe(0);
  });

  it('a leave while reconnecting stops the attempts', async () => {
    const h = setUpRoom();
    const socket = await join(h);
    h.server.onConnection = (s) => s.cut(1006);
    socket.cut(1006);
    await h.clock.advance(1_000);
    const attempts = h.server.sockets.length;
    await h.room.leave();
    await h.clock.advance(DEFAULT_RECOVERY.giveUpAfterMs);
    expect(h.server.sockets).toHaveLength(attempts);
    expect(h.room.state).toBe('disconnected');
    expect(h.clock.pending).toBe(0);
  });

  it('gives up once the window and the give-up time have run out: disconnected, connection_lost', async () => {
    const h = setUpRoom();
    const first = await join(h, [BOB]);
    await publish(h, first);
    h.server.onConnection = (socket) => socket.cut(1006);
    first.cut(1006);
    await settle();
    const lostAt = h.clock.now();
    let endedAt: number | undefined;
    h.room.on('connectionStateChanged', (s) => {
      if (s === 'disconnected') endedAt = h.clock.now();
    });
    await h.clock.advance(DEFAULT_RECOVERY.giveUpAfterMs - DEFAULT_RECOVERY.reconnectDelaysMs.at(-1)! * 1.2);
    expect(h.room.state).toBe('reconnecting');
    await h.clock.advance(DEFAULT_RECOVERY.reconnectDelaysMs.at(-1)! * 1.2);
    expect(h.room.state).toBe('disconnected');
    expect(endedAt! - lostAt).toBeLessThanOrEqual(DEFAULT_RECOVERY.giveUpAfterMs);
    expect(h.events.slice(-2)).toEqual(['state disconnected', 'error connection_lost 1006']);
    expect(h.pcs.all.every((pc) => pc.closed)).toBe(true);
    expect(h.room.participants.size).toBe(0);
    const attempts = h.server.sockets.length;
    await h.clock.advance(DEFAULT_RECOVERY.giveUpAfterMs);
    expect(h.server.sockets).toHaveLength(attempts);
  });

  it('a socket that is never welcomed is abandoned after the attempt timeout', async () => {
    const h = setUpRoom();
    const first = await join(h);
    h.server.onConnection = () => undefined; // a black hole
    first.cut(1006);
    await h.clock.advance(DEFAULT_RECOVERY.attemptTimeoutMs - 1);
    expect(h.server.sockets[1]!.closedWith).toBeUndefined();
    await h.clock.advance(1);
    expect(h.server.sockets[1]!.closedWith?.by).toBe('client');
    await h.clock.advance(DEFAULT_RECOVERY.reconnectDelaysMs[1]!);
    expect(h.server.sockets.length).toBeGreaterThan(2);
  });
});

describe('network changes', () => {
  it('online after offline drops the socket and resumes', async () => {
    const h = setUpRoom();
    const first = await join(h);
    h.network.emit('offline');
    expect(h.room.state).toBe('connected');
    h.network.emit('online');
    expect(h.room.state).toBe('reconnecting');
    expect(first.closedWith?.by).toBe('client');
    await h.clock.advance(0);
    await h.server.last.received('resume');
  });
});

describe('participantConnection', () => {
  it('tells the app when another participant is reconnecting and back', async () => {
    const h = setUpRoom();
    const socket = await join(h, [BOB]);
    const bob = h.room.participants.get(BOB.id)!;
    expect(bob.connection).toBe('connected');
    socket.deliver({ type: 'participantConnection', participantId: BOB.id, state: 'reconnecting' });
    await settle();
    expect(bob.connection).toBe('reconnecting');
    socket.deliver({ type: 'participantConnection', participantId: BOB.id, state: 'reconnecting' });
    socket.deliver({ type: 'participantConnection', participantId: BOB.id, state: 'connected' });
    socket.deliver({ type: 'participantConnection', participantId: 'p_unknown', state: 'connected' });
    await settle();
    expect(h.events.filter((e) => e.startsWith('connection'))).toEqual([
      `connection ${BOB.id} reconnecting`,
      `connection ${BOB.id} connected`,
    ]);
  });
});

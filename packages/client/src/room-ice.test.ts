import { describe, expect, it } from 'vitest';
import { settle } from '../test/fake-clock.js';
import { BOB, join, publish, restartedSubscriberOffer, setUpRoom, subscribe } from '../test/room-harness.js';
import { DEFAULT_RECOVERY } from './recovery.js';

const GRACE = DEFAULT_RECOVERY.iceDisconnectedGraceMs;

async function publishing() {
  const h = setUpRoom();
  const socket = await join(h, [BOB]);
  const { pc } = await publish(h, socket);
  pc.setState('connected');
  return { h, socket, pc };
}

describe('ICE restart on media loss', () => {
  it('publisher disconnected for longer than the grace period: one restart, answered', async () => {
    const { h, socket, pc } = await publishing();
    pc.setState('disconnected');
    await h.clock.advance(GRACE - 1);
    expect(socket.sentOf('restartPublisherIce')).toHaveLength(0);
    await h.clock.advance(1);
    const restart = await socket.received('restartPublisherIce');
    expect(pc.offers.at(-1)).toEqual({ iceRestart: true });
    socket.deliver({ type: 'publishAnswer', replyTo: restart.id, sdp: 'restarted' });
    await settle();
    expect(pc.remoteDescription?.sdp).toBe('restarted');
    pc.setState('connected');
    await h.clock.advance(60_000);
    expect(socket.sentOf('restartPublisherIce')).toHaveLength(1);
  });

  it('a short disconnection that heals by itself restarts nothing', async () => {
    const { h, socket, pc } = await publishing();
    pc.setState('disconnected');
    await h.clock.advance(GRACE / 2);
    pc.setState('connected');
    await h.clock.advance(GRACE * 10);
    expect(socket.sentOf('restartPublisherIce')).toHaveLength(0);
  });

  it('failed restarts at once; one restart in flight at a time; retried with back-off while down', async () => {
    const { h, socket, pc } = await publishing();
    pc.setState('failed');
    await settle();
    const first = await socket.received('restartPublisherIce');
    pc.setState('disconnected');
    pc.setState('failed');
    await h.clock.advance(GRACE * 2);
    expect(socket.sentOf('restartPublisherIce')).toHaveLength(1);
    socket.deliver({ type: 'publishAnswer', replyTo: first.id, sdp: 'restarted' });
    await settle();
    // Still failed after the answer: the next restart waits its back-off step.
    await h.clock.advance(DEFAULT_RECOVERY.iceRetryDelaysMs[0]! - 1);
    expect(socket.sentOf('restartPublisherIce')).toHaveLength(1);
    await h.clock.advance(1);
    expect(socket.sentOf('restartPublisherIce')).toHaveLength(2);
  });

  it('a restart that gets no answer times out, rolls back, and is tried again', async () => {
    const { h, socket, pc } = await publishing();
    pc.setState('failed');
    await socket.received('restartPublisherIce');
    await h.clock.advance(DEFAULT_RECOVERY.iceRestartTimeoutMs);
    expect(pc.signalingState).toBe('stable');
    await h.clock.advance(DEFAULT_RECOVERY.iceRetryDelaysMs[0]!);
    expect(socket.sentOf('restartPublisherIce')).toHaveLength(2);
  });

  it('subscriber failed: asks the SFU for a restarted offer and answers it', async () => {
    const h = setUpRoom();
    const socket = await join(h, [BOB]);
    const pc = await subscribe(h, socket, [BOB.id]);
    pc.setState('connected');
    pc.setState('failed');
    await socket.received('restartSubscriberIce');
    socket.deliver(restartedSubscriberOffer(BOB.id));
    await settle();
    expect(socket.sentOf('subscriberAnswer').at(-1)?.sdp).toMatch(/restarted$/);
    expect(h.room.participants.get(BOB.id)!.stream.getTracks()).toHaveLength(2);
    pc.setState('connected');
    await h.clock.advance(60_000);
    expect(socket.sentOf('restartSubscriberIce')).toHaveLength(1);
  });

  it('a refused subscriber restart is not shown to the app as an error, and is tried again', async () => {
    const h = setUpRoom();
    const socket = await join(h, [BOB]);
    const pc = await subscribe(h, socket, [BOB.id]);
    pc.setState('failed');
    const request = await socket.received('restartSubscriberIce');
    socket.deliver({ type: 'error', replyTo: request.id, code: 'invalid_state', message: 'not yet' });
    await settle();
    expect(h.events.filter((e) => e.startsWith('error'))).toEqual(['error media_failed']);
    await h.clock.advance(DEFAULT_RECOVERY.iceRetryDelaysMs[0]!);
    expect(socket.sentOf('restartSubscriberIce')).toHaveLength(2);
  });

  it('while the socket is down no restart is sent; the resume restarts ICE', async () => {
    const { h, socket, pc } = await publishing();
    socket.cut(1006);
    h.server.onConnection = () => undefined; // the server does not answer yet
    pc.setState('failed');
    await h.clock.advance(GRACE);
    expect(h.server.sockets.flatMap((s) => s.sentOf('restartPublisherIce'))).toHaveLength(0);
  });

  it('a network change restarts both PeerConnections', async () => {
    const h = setUpRoom();
    const socket = await join(h, [BOB]);
    const { pc } = await publish(h, socket);
    await subscribe(h, socket, [BOB.id]);
    pc.setState('connected');
    h.network.emit('changed');
    await settle();
    expect(socket.sentOf('restartPublisherIce')).toHaveLength(1);
    expect(socket.sentOf('restartSubscriberIce')).toHaveLength(1);
    expect(h.room.state).toBe('connected');
  });
});

describe('trickle while the socket is down', () => {
  it('drops our candidates until the resume, then sends new ones on the new socket', async () => {
    const { h, socket, pc } = await publishing();
    pc.gather('candidate:1 1 udp 2122260223 192.0.2.1 5000 typ host');
    expect(socket.sentOf('trickle')).toHaveLength(1);
    socket.cut(1006);
    h.server.onConnection = () => undefined;
    await settle();
    pc.gather('candidate:2 1 udp 2122260223 192.0.2.2 5000 typ host');
    await h.clock.advance(0);
    expect(h.server.sockets.flatMap((s) => s.sentOf('trickle'))).toHaveLength(1);
  });
});

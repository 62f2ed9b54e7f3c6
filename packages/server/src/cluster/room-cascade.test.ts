import type { ServerMessage } from '@backdrop/protocol';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { FakeRemotes } from '../../test/fake-remotes.js';
import { fakeRooms } from '../../test/fake-rooms.js';
import { until } from '../../test/until.js';
import type { Participant } from '../rooms/participant.js';
import { Cascade } from './cascade.js';
import { cascadeChannel } from './cascade-messages.js';
import { MemoryClusterBusHub } from './memory-store.js';
import { PortPool } from './port-pool.js';

/** A publisher offer as the SDK makes it: microphone, camera, screen video, screen audio. */
const OFFER = [
  'v=0',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111',
  'a=mid:0',
  'm=video 9 UDP/TLS/RTP/SAVPF 96',
  'a=mid:1',
  'm=video 9 UDP/TLS/RTP/SAVPF 96',
  'a=mid:2',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111',
  'a=mid:3',
  '',
].join('\r\n');

/** One node: a registry over a fake SFU with fake remote publishers, and its cascade on the shared bus. */
function node(id: string, hub: MemoryClusterBusHub, live: Set<string>, p2p = false) {
  const remotes = new FakeRemotes();
  const holder: { cascade?: Cascade } = {};
  const rooms = fakeRooms({
    p2p,
    hooks: {
      opened: async (room) => holder.cascade?.opened(room),
      closed: (room) => holder.cascade?.closed(room),
    },
  });
  const sfu = Object.assign(rooms.sfu, { remotes });
  const ports = new PortPool({ min: 41000, max: 41009 });
  const cascade = new Cascade({
    nodeId: id,
    bus: hub.connect(),
    sfu: () => sfu,
    ports,
    rtpHost: '127.0.0.1',
    logger: pino({ level: 'silent' }),
    liveNodes: async () =>
      [...live].map((n) => ({
        id: n,
        url: 'http://127.0.0.1:1',
        rooms: 1,
        participants: 1,
        janusUp: true,
        at: 0,
      })),
    settleMs: 0,
  });
  holder.cascade = cascade;
  /** Joins `name`, answering every subscriber offer at once (as a browser would). */
  const join = async (name: string) => {
    const ref: { participant?: Participant } = {};
    const joined = await rooms.join(name, (m) => {
      if (m.type === 'subscriberOffer')
        queueMicrotask(() => ref.participant?.subscription.answer(`answer-to-${m.sdp}`));
    });
    ref.participant = joined.participant;
    return joined;
  };
  /** Publishes with the SDK's four m-lines and says its media reached the SFU. */
  const publish = async (participant: Participant) => {
    participant.offered = true;
    await participant.publish(OFFER);
    sfu.publishers.find((p) => p.feedId === participant.feedId)?.emit('connected');
  };
  return { ...rooms, join, publish, remotes, cascade, ports };
}

function setup(p2p = false) {
  const hub = new MemoryClusterBusHub();
  const live = new Set(['a', 'b']);
  return { hub, live, a: node('a', hub, live, p2p), b: node('b', hub, live, p2p) };
}

const knows = (messages: ServerMessage[], id: string) =>
  messages.some(
    (m) =>
      (m.type === 'participantJoined' && m.participant.id === id) ||
      (m.type === 'joined' && m.participants.some((p) => p.id === id)),
  );

describe('a room over two nodes (RoomCascade)', () => {
  it("shows each node's participants on the other and mirrors a publisher through a remote publisher", async () => {
    // P2P on: two people, one on each node, would be a direct pair if the room did not count the remote one.
    const { a, b } = setup(true);
    const ada = await a.join('Ada');
    await a.publish(ada.participant);
    const bo = await b.join('Bo');
    await b.publish(bo.participant);
    const feed = ada.participant.feedId;
    await until(() => b.remotes.publishers.has(feed), 'node b makes a remote publisher for Ada');
    expect(b.remotes.publishers.get(feed)?.streams).toEqual([
      { kind: 'audio', simulcast: false },
      { kind: 'video', simulcast: true },
      { kind: 'video', simulcast: false },
      { kind: 'audio', simulcast: false },
    ]);
    const endpoint = b.remotes.publishers.get(feed)!.endpoint;
    expect(endpoint.host).toBe('127.0.0.1');
    expect(endpoint.port % 2).toBe(0);
    expect(endpoint.rtcpPort).toBe(endpoint.port + 1);
    await until(() => a.remotes.forwards.has(`${feed} b`), 'node a forwards Ada to b');
    expect(a.remotes.forwards.get(`${feed} b`)).toEqual(endpoint);
    await until(
      () => b.sfu.subscribers.some((s) => s.feeds.has(feed)),
      "Bo subscribes to Ada's remote publisher",
    );
    await until(() => knows(bo.messages, ada.participant.id), 'Bo is told about Ada');
    await until(() => knows(ada.messages, bo.participant.id), 'Ada is told about Bo');
    const offer = bo.messages.find(
      (m) => m.type === 'subscriberOffer' && m.streams.some((s) => s.participantId === ada.participant.id),
    );
    expect(offer).toBeDefined();
    await until(() => a.remotes.publishers.has(bo.participant.feedId), 'node a mirrors Bo');
    // The direct path is never offered across nodes (a cascaded room always goes through the SFU).
    for (const messages of [ada.messages, bo.messages])
      expect(messages.some((m) => m.type === 'mediaPath' && m.path === 'direct')).toBe(false);
  });

  it("carries mute state and chat across, numbered by each node's own history", async () => {
    const { a, b } = setup();
    const ada = await a.join('Ada');
    const bo = await b.join('Bo');
    await until(() => knows(bo.messages, ada.participant.id), 'Bo is told about Ada');
    ada.room.meeting.setMedia(ada.participant.id, { micMuted: true, cameraOff: false });
    await until(
      () =>
        bo.messages.some(
          (m) =>
            m.type === 'participantState' && m.state.participantId === ada.participant.id && m.state.micMuted,
        ),
      "Bo sees Ada's microphone muted",
    );
    bo.room.meeting.chat(bo.participant, 'from b');
    ada.room.meeting.chat(ada.participant, 'from a');
    await until(
      () => ada.messages.some((m) => m.type === 'chat' && m.message.text === 'from b'),
      "Ada gets Bo's message",
    );
    const seqs = ada.messages.flatMap((m) => (m.type === 'chat' ? [m.message.seq] : []));
    expect(new Set(seqs).size).toBe(seqs.length);
  });

  it('repeats where it listens on every re-announce, and a repeat does not disturb the forward', async () => {
    const { hub, a, b } = setup();
    const ada = await a.join('Ada');
    await a.publish(ada.participant);
    await b.join('Bo');
    const feed = ada.participant.feedId;
    await until(() => a.remotes.forwards.has(`${feed} b`), 'a forwards Ada to b');
    const listening = () => hub.published.filter((m) => m.text.includes('"listening"')).length;
    const before = listening();
    // What the 5-second re-announce does: Ada's member message again, three times.
    for (let i = 0; i < 3; i++) ada.room.observer?.changed(ada.participant);
    await until(() => listening() >= before + 3, 'b says where it listens again');
    await new Promise((r) => setTimeout(r, 20));
    expect(a.remotes.calls.filter((c) => c.startsWith('publishRemotely'))).toHaveLength(1);
    expect(a.remotes.calls.filter((c) => c.startsWith('unpublishRemotely'))).toHaveLength(0);
  });

  it('makes the remote publisher on another port pair when Janus refuses one (a pair still bound)', async () => {
    const { a, b } = setup();
    b.remotes.failNextAdd = new Error('Could not open UDP socket for RTP stream');
    const ada = await a.join('Ada');
    await a.publish(ada.participant);
    await b.join('Bo');
    const feed = ada.participant.feedId;
    await until(() => a.remotes.forwards.has(`${feed} b`), 'a forwards Ada to b');
    expect(b.remotes.calls).toEqual([`add ${feed}`, `add ${feed}`]);
    expect(a.remotes.forwards.get(`${feed} b`)).toEqual({ host: '127.0.0.1', port: 41002, rtcpPort: 41003 });
    expect(b.ports).toMatchObject({ inUse: 1, available: 3 });
  });

  it('a leave on one node removes the tile and the remote publisher on the other', async () => {
    const { a, b } = setup();
    const ada = await a.join('Ada');
    await a.publish(ada.participant);
    const bo = await b.join('Bo');
    const feed = ada.participant.feedId;
    await until(() => b.sfu.subscribers.some((s) => s.feeds.has(feed)), 'Bo subscribes to Ada');
    await a.registry.leave(ada.room, ada.participant);
    await until(
      () => bo.messages.some((m) => m.type === 'participantLeft' && m.participantId === ada.participant.id),
      'Bo is told Ada left',
    );
    await until(() => b.remotes.publishers.size === 0, "Ada's remote publisher is removed on b");
    expect(b.remotes.calls).toEqual([`add ${feed}`, `remove ${feed}`]);
    expect(b.ports.inUse).toBe(0);
  });

  it('a node whose report expired takes its participants and the forwards to it along', async () => {
    const { a, b, live } = setup();
    const ada = await a.join('Ada');
    await a.publish(ada.participant);
    const bo = await b.join('Bo');
    await b.publish(bo.participant);
    await until(() => a.remotes.forwards.size === 1 && b.remotes.forwards.size === 1, 'both forward');
    live.delete('a');
    await b.cascade.tick();
    await until(
      () => bo.messages.some((m) => m.type === 'participantLeft' && m.participantId === ada.participant.id),
      'Bo is told Ada is gone',
    );
    await until(() => b.remotes.publishers.size === 0 && b.remotes.forwards.size === 0, 'b cleans up');
    expect(b.cascade.counts()).toEqual({ mirrors: 0, forwards: 0, remoteParticipants: 0 });
  });

  it('a node closing its part says bye: the other stops forwarding to it; its remote publishers go first', async () => {
    const { a, b } = setup();
    const ada = await a.join('Ada');
    await a.publish(ada.participant);
    const bo = await b.join('Bo');
    const feed = ada.participant.feedId;
    await until(() => a.remotes.forwards.has(`${feed} b`), 'a forwards Ada to b');
    await b.registry.leave(bo.room, bo.participant);
    await until(() => b.sfu.rooms.size === 0, "b's room is destroyed");
    expect(b.remotes.publishers.size).toBe(0);
    await until(() => a.remotes.forwards.size === 0, 'a stops forwarding to b');
    await until(
      () => ada.messages.some((m) => m.type === 'participantLeft' && m.participantId === bo.participant.id),
      'Ada is told Bo left',
    );
  });

  it('drops malformed messages and claims on ids it owns, and keeps going', async () => {
    const { hub, a, b } = setup();
    const ada = await a.join('Ada');
    const bo = await b.join('Bo');
    await until(() => knows(bo.messages, ada.participant.id), 'Bo is told about Ada');
    const bus = hub.connect();
    const channel = cascadeChannel('r');
    for (const text of [
      'not json',
      '{"type":"member"}',
      JSON.stringify({ type: 'memberLeft', from: 'b', participantId: ada.participant.id, extra: 1 }),
      'x'.repeat(20_000),
      // b claiming a's participant: ignored by a (the id is its own) and by b (ours already)
      JSON.stringify({
        type: 'member',
        from: 'evil',
        member: {
          id: bo.participant.id,
          name: 'Mallory',
          role: 'host',
          feedId: 7,
          publishing: true,
          sharing: false,
          streams: [{ kind: 'video', source: 'camera' }],
          state: { micMuted: false, cameraOff: false, hand: false, talking: false },
        },
      }),
      JSON.stringify({ type: 'memberLeft', from: 'evil', participantId: ada.participant.id }),
    ])
      await bus.publish(channel, text);
    await new Promise((r) => setTimeout(r, 20));
    expect([...bo.room.remotes.keys()]).toEqual([ada.participant.id]);
    expect(b.remotes.calls).toEqual([]);
    expect(bo.room.participants.get(bo.participant.id)?.name).toBe('Bo');
  });
});

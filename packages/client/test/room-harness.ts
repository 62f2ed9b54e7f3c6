import type { ParticipantInfo } from '@backdrop/protocol';
import { Room, type RoomOptions } from '../src/room.js';
import { FakeClock, settle } from './fake-clock.js';
import { asTrack, FakeTrack, installFakeMedia } from './fake-media.js';
import { FakeNetwork } from './fake-network.js';
import { type FakePeerConnection, FakePeerConnections } from './fake-peer-connection.js';
import { FakeSignalingServer, type FakeSocket } from './fake-socket.js';

export const WELCOME = { type: 'welcome', protocol: 1 };
export const ROOM = 'standup';
export const NAME = 'Ann';
export const RESUME_WINDOW_MS = 30_000;

let tokens = 0;
/** A fresh resume token of the right shape. */
export const nextToken = () => String(++tokens).padStart(43, 't');

export function joinedMessage(
  replyTo: number | undefined,
  fields: {
    participantId?: string;
    participants?: ParticipantInfo[];
    resumed?: boolean;
    iceServers?: { urls: string[]; username?: string; credential?: string }[];
    resumeWindowMs?: number;
  } = {},
) {
  return {
    type: 'joined',
    replyTo,
    room: ROOM,
    participantId: fields.participantId ?? 'p_me',
    participants: fields.participants ?? [],
    iceServers: fields.iceServers ?? [
      { urls: ['turn:198.51.100.1:3478'], username: '1:p_me', credential: 'x' },
    ],
    resumeToken: nextToken(),
    resumeWindowMs: fields.resumeWindowMs ?? RESUME_WINDOW_MS,
    resumed: fields.resumed ?? false,
  };
}

/** Everything a Room test needs: the Room on fakes, and a log of its events as short strings. */
export function setUpRoom(options: Partial<RoomOptions> = {}) {
  installFakeMedia();
  const clock = new FakeClock();
  const server = new FakeSignalingServer(() => clock.now());
  // Every socket is welcomed and answers pings unless a test says otherwise.
  server.onConnection = (socket) => {
    socket.deliver(WELCOME);
    void answerPings(socket);
  };
  const pcs = new FakePeerConnections();
  const network = new FakeNetwork();
  const room = new Room({
    signalingUrl: 'wss://meet.test/ws',
    createSocket: server.createSocket,
    createPeerConnection: pcs.create,
    network,
    clock,
    random: () => 0.5, // no jitter: the schedule is exact
    log: { error: () => undefined },
    ...options,
  });
  const events: string[] = [];
  room.on('connectionStateChanged', (s) => events.push(`state ${s}`));
  room.on('participantJoined', (p) => events.push(`joined ${p.id}`));
  room.on('participantLeft', (p) => events.push(`left ${p.id}`));
  room.on('reconnected', (info) => events.push(`reconnected resumed=${info.resumed}`));
  room.on('participantConnection', (p, s) => events.push(`connection ${p.id} ${s}`));
  room.on('error', (e) => events.push(`error ${e.code}${e.closeCode ? ` ${e.closeCode}` : ''}`));
  return { clock, server, pcs, network, room, events };
}

export type Harness = ReturnType<typeof setUpRoom>;

async function answerPings(socket: FakeSocket): Promise<void> {
  while (!socket.closedWith) {
    const ping = await socket.received('ping');
    socket.deliver({ type: 'pong', replyTo: ping.id });
  }
}

/** Joins ROOM as NAME with `participants` already there; returns the socket. */
export async function join(h: Harness, participants: ParticipantInfo[] = []): Promise<FakeSocket> {
  const joining = h.room.join(ROOM, NAME);
  await settle();
  const socket = h.server.last;
  const request = await socket.received('join');
  socket.deliver(joinedMessage(request.id, { participants }));
  await joining;
  return socket;
}

/** Publishes a fresh audio and video track; returns them and the publisher PeerConnection. */
export async function publish(h: Harness, socket: FakeSocket) {
  const audio = new FakeTrack('audio');
  const video = new FakeTrack('video');
  const publishing = h.room.publish([asTrack(audio), asTrack(video)]);
  const request = await socket.received('publish');
  socket.deliver({ type: 'publishAnswer', replyTo: request.id, sdp: 'answer from janus' });
  await publishing;
  return { audio, video, pc: h.pcs.all.at(-1)! };
}

/** The SFU offers one audio and one video m-line per participant; returns the subscriber PeerConnection. */
export async function subscribe(h: Harness, socket: FakeSocket, ids: string[]): Promise<FakePeerConnection> {
  const streams = ids.flatMap((participantId, i) => [
    { mid: String(2 * i), participantId, kind: 'audio' },
    { mid: String(2 * i + 1), participantId, kind: 'video' },
  ]);
  socket.deliver({
    type: 'subscriberOffer',
    sdp: streams.map((s) => `a=mid:${s.mid} ${s.kind}`).join('\n'),
    streams,
  });
  await socket.received('subscriberAnswer');
  await settle();
  const pc = h.pcs.all.find((p) => p.remoteDescription?.type === 'offer');
  if (!pc) throw new Error('no subscriber PeerConnection');
  return pc;
}

export const BOB = { id: 'p_bob', name: 'Bob' };
export const CAROL = { id: 'p_carol', name: 'Carol' };
export const DAN = { id: 'p_dan', name: 'Dan' };

/** The SFU's subscriber offer after an ICE restart: the same two m-lines of one participant, new credentials. */
export function restartedSubscriberOffer(participantId: string) {
  return {
    type: 'subscriberOffer',
    sdp: 'a=mid:0 audio\na=mid:1 video\nrestarted',
    streams: [
      { mid: '0', participantId, kind: 'audio' },
      { mid: '1', participantId, kind: 'video' },
    ],
  } as const;
}

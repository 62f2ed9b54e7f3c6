import type { ChatEntry, MediaSource, ParticipantState } from '@backdrop/protocol';
import type { Logger } from '../logger.js';
import type { Participant } from '../rooms/participant.js';
import { RemoteParticipant } from '../rooms/remote-participant.js';
import type { Room, RoomObserver } from '../rooms/room.js';
import type { SfuRemotes } from '../sfu/videoroom-remote.js';
import {
  type CascadeEndpoint,
  type CascadeMember,
  type CascadeMemberState,
  type CascadeMessage,
  type CascadeStream,
  cascadeChannel,
  parseCascadeMessage,
} from './cascade-messages.js';
import type { PortPair, PortPool } from './port-pool.js';
import type { ClusterBus } from './store.js';

/** A remote publisher in our SFU for another node's participant: ours to remove. */
interface Mirror {
  participantId: string;
  node: string;
  /** Changes only while adding (a refused pair is replaced). */
  pair: PortPair;
  state: 'adding' | 'ready' | 'failed';
  /** The `listening` sent for it, once ready: said again on each re-announce of its member (lost messages). */
  listening?: CascadeMessage;
}

export interface RoomCascadeOptions {
  nodeId: string;
  room: Room;
  bus: ClusterBus;
  /** Our SFU's remote publishers now (undefined while it is down). */
  remotes: () => SfuRemotes | undefined;
  ports: PortPool;
  /** NODE_RTP_HOST: the private/loopback address our remote publishers listen on. */
  rtpHost: string;
  logger: Logger;
  /**
   * Janus 1.1.2 answers `add_remote_publisher` before its thread has put the publisher in the room (a subscribe
   * at once gets 428 "No such feed"): our participants subscribe once the room lists it, checked every
   * `settleMs` (default 50), at most 60 times.
   */
  settleMs?: number;
}

const DEFAULT_SETTLE_MS = 50;
const SETTLE_CHECKS = 60;
/** Port pairs tried for one remote publisher. */
const ADD_ATTEMPTS = 3;

function sameEndpoint(a: CascadeEndpoint, b: CascadeEndpoint): boolean {
  return a.host === b.host && a.port === b.port && a.rtcpPort === b.rtcpPort;
}

function memberState(state: ParticipantState | undefined): CascadeMemberState {
  return {
    micMuted: state?.micMuted ?? false,
    cameraOff: state?.cameraOff ?? false,
    hand: (state?.hand ?? null) !== null,
    talking: state?.speaking ?? false,
  };
}

/**
 * One node's part of a room that spans several nodes. It tells the room's other nodes (on the room's channel)
 * about our participants, shows theirs in our Room as RemoteParticipants, and moves media across: for each of
 * their publishing participants it makes a remote publisher in our Janus (`add_remote_publisher`, on a port
 * pair from JANUS_REMOTE_PORTS bound to NODE_RTP_HOST) and says where it listens (`listening`); for each
 * `listening` about one of ours it forwards that feed there (`publish_remotely`). Owns every remote publisher
 * and every forward it made: removed on leave, on the other node's `bye` or death, and on `close`.
 */
export class RoomCascade implements RoomObserver {
  private readonly options: RoomCascadeOptions;
  private readonly room: Room;
  private readonly channel: string;
  /** Remote publishers in our SFU, by feed id. */
  private readonly mirrors = new Map<number, Mirror>();
  /** Our feeds forwarded to other nodes: feed id -> node -> where. */
  private readonly forwards = new Map<number, Map<string, CascadeEndpoint>>();
  /** Where other nodes listen for our feeds (kept until the feed publishes, and for re-forwarding). */
  private readonly listeners = new Map<number, Map<string, CascadeEndpoint>>();
  /** SFU work per feed, one at a time (an add finishes before its removal starts). */
  private readonly chains = new Map<number, Promise<void>>();
  private closed = false;

  constructor(options: RoomCascadeOptions) {
    this.options = options;
    this.room = options.room;
    this.channel = cascadeChannel(options.room.name);
  }

  private get self(): string {
    return this.options.nodeId;
  }

  /** Remote publishers and forwards held now (tests, health). */
  get counts(): { mirrors: number; forwards: number; remoteParticipants: number } {
    let forwards = 0;
    for (const nodes of this.forwards.values()) forwards += nodes.size;
    return { mirrors: this.mirrors.size, forwards, remoteParticipants: this.room.remotes.size };
  }

  /** Listens on the room's channel and says hello (the others announce their participants to us). */
  async start(): Promise<void> {
    await this.options.bus.subscribe(this.channel, (text) => this.receive(text));
    this.send({ type: 'hello', from: this.self });
    this.announce();
  }

  /** Tells the others about every participant of ours (idempotent; also repairs messages lost in an outage). */
  announce(): void {
    for (const p of this.room.participants.values()) this.changed(p);
  }

  private send(message: CascadeMessage): void {
    if (this.closed && message.type !== 'bye') return;
    this.options.bus
      .publish(this.channel, JSON.stringify(message))
      .catch((error: unknown) =>
        this.options.logger.warn({ err: error, type: message.type }, 'cascade: publish failed'),
      );
  }

  private describe(p: Participant): CascadeMember {
    return {
      id: p.id,
      name: p.name,
      role: p.role,
      feedId: p.feedId,
      publishing: p.publishing,
      sharing: p.sharing,
      streams: p.lines.slice(0, 4),
      state: memberState(this.room.meeting.stateOf(p.id)),
    };
  }

  // ---- our participants, to the others ----

  changed(participant: Participant): void {
    this.send({ type: 'member', from: this.self, member: this.describe(participant) });
    if (participant.publishing)
      for (const [node, endpoint] of this.listeners.get(participant.feedId) ?? [])
        if (!this.forwards.get(participant.feedId)?.has(node))
          this.forward(participant.feedId, node, endpoint);
  }

  left(participant: Participant): void {
    this.send({ type: 'memberLeft', from: this.self, participantId: participant.id });
    // Its publisher leaves Janus, and its forwarders with it.
    this.forwards.delete(participant.feedId);
    this.listeners.delete(participant.feedId);
  }

  /** A state change in the room's meeting: ours go to the others. */
  stateChanged(state: ParticipantState): void {
    if (!this.room.participants.has(state.participantId)) return;
    this.send({
      type: 'state',
      from: this.self,
      participantId: state.participantId,
      state: memberState(state),
    });
  }

  /** A chat message stamped here goes to the others. */
  chatAdded(entry: ChatEntry): void {
    if (this.room.participants.has(entry.from)) this.send({ type: 'chat', from: this.self, entry });
  }

  // ---- the others, to us ----

  /** One message from the room's channel: validated, then applied (ours echoed back are ignored). */
  receive(text: string): void {
    if (this.closed) return;
    const parsed = parseCascadeMessage(text);
    if (!parsed.ok) {
      this.options.logger.warn({ reason: parsed.reason }, 'cascade: dropped a malformed message');
      return;
    }
    const message = parsed.message;
    if (message.from === this.self) return;
    switch (message.type) {
      case 'hello':
        this.announce();
        return;
      case 'member':
        this.applyMember(message.from, message.member);
        return;
      case 'memberLeft':
        void this.dropRemote(message.participantId, message.from);
        return;
      case 'state':
        this.applyState(message.participantId, message.from, message.state);
        return;
      case 'chat':
        if (this.room.remotes.get(message.entry.from)?.node === message.from)
          this.room.meeting.relayChat(message.entry);
        return;
      case 'listening':
        if (message.to === this.self) this.listening(message.from, message.feedId, message.endpoint);
        return;
      case 'bye':
        void this.nodeGone(message.from);
        return;
    }
  }

  private applyMember(node: string, member: CascadeMember): void {
    if (this.room.participants.has(member.id)) return; // an id of ours: another node cannot claim it
    let remote = this.room.remotes.get(member.id);
    if (remote && (remote.node !== node || remote.feedId !== member.feedId)) {
      this.options.logger.warn({ participant: member.id, node }, 'cascade: member claimed by another node');
      return;
    }
    if (!remote) {
      for (const other of this.room.remotes.values()) if (other.feedId === member.feedId) return; // a feed id taken by someone else
      remote = new RemoteParticipant(member.id, member.feedId, member.name, member.role, node);
      remote.sources = new Map(member.streams.map((s, i): [string, MediaSource] => [String(i), s.source]));
      this.room.addRemote(remote);
      if (this.room.remotes.get(member.id) !== remote) return; // the room is closing
    }
    remote.role = member.role;
    this.room.setRemoteSharing(remote, member.sharing);
    this.applyState(member.id, node, member.state);
    const mirror = this.mirrors.get(member.feedId);
    if (mirror?.listening) this.send(mirror.listening);
    else if (!mirror && member.publishing && member.streams.length > 0) this.mirror(remote, member.streams);
  }

  private applyState(id: string, node: string, state: CascadeMemberState): void {
    if (this.room.remotes.get(id)?.node !== node) return;
    const { meeting } = this.room;
    meeting.setMedia(id, { micMuted: state.micMuted, cameraOff: state.cameraOff });
    meeting.setHand(id, state.hand);
    meeting.setTalking(id, state.talking);
  }

  /** Runs `work` after the feed's earlier SFU work; failures are logged. */
  private chain(feedId: number, work: () => Promise<void>): Promise<void> {
    const previous = this.chains.get(feedId) ?? Promise.resolve();
    const next = previous.then(work).catch((error: unknown) => {
      this.options.logger.warn({ err: error, feedId }, 'cascade: SFU request failed');
    });
    this.chains.set(feedId, next);
    void next.then(() => {
      if (this.chains.get(feedId) === next) this.chains.delete(feedId);
    });
    return next;
  }

  /** A remote publisher in our SFU for `remote`, then `listening` to its node, then our participants subscribe. */
  private mirror(remote: RemoteParticipant, streams: readonly CascadeStream[]): void {
    const pair = this.options.ports.take();
    if (!pair) {
      this.options.logger.error(
        { participant: remote.id, capacity: this.options.ports.capacity },
        'cascade: JANUS_REMOTE_PORTS exhausted; this participant is not mirrored',
      );
      return;
    }
    const mirror: Mirror = { participantId: remote.id, node: remote.node, pair, state: 'adding' };
    this.mirrors.set(remote.feedId, mirror);
    const { feedId } = remote;
    void this.chain(feedId, async () => {
      const remotes = this.options.remotes();
      const endpoint = await this.addMirror(remotes, remote, streams, mirror);
      if (!remotes || !endpoint) return;
      if (this.mirrors.get(feedId) !== mirror) return; // dropped meanwhile: the drop removes it
      this.options.logger.info(
        { participant: remote.id, node: remote.node, port: endpoint.port, rtcpPort: endpoint.rtcpPort },
        'cascade: remote publisher listening',
      );
      mirror.listening = {
        type: 'listening',
        from: this.self,
        to: remote.node,
        feedId,
        endpoint: { host: this.options.rtpHost, port: endpoint.port, rtcpPort: endpoint.rtcpPort },
      };
      this.send(mirror.listening);
      for (let i = 0; i < SETTLE_CHECKS; i++) {
        if (this.mirrors.get(feedId) !== mirror || (await remotes.hasPublisher(this.room.sfuRoomId, feedId)))
          break;
        await new Promise((r) => setTimeout(r, this.options.settleMs ?? DEFAULT_SETTLE_MS));
      }
      const still = this.room.remotes.get(remote.id);
      if (still && this.mirrors.get(feedId) === mirror) this.room.setRemotePublishing(still, true);
    });
  }

  /**
   * `add_remote_publisher` on the mirror's port pair; a refusal (a pair still bound, see PortPool) is tried
   * again on another pair, at most ADD_ATTEMPTS times. Resolves the endpoint, or undefined after marking the
   * mirror failed (its pairs spent, it is forgotten).
   */
  private async addMirror(
    remotes: SfuRemotes | undefined,
    remote: RemoteParticipant,
    streams: readonly CascadeStream[],
    mirror: Mirror,
  ): Promise<{ port: number; rtcpPort: number } | undefined> {
    for (let attempt = 1; ; attempt++) {
      try {
        if (!remotes) throw new Error('the SFU is down');
        const endpoint = await remotes.addRemotePublisher(this.room.sfuRoomId, {
          feedId: remote.feedId,
          display: remote.name,
          streams: streams.map((s) => ({
            kind: s.kind,
            simulcast: s.kind === 'video' && s.source === 'camera',
          })),
          endpoint: { host: this.options.rtpHost, ...mirror.pair },
        });
        mirror.state = 'ready';
        return endpoint;
      } catch (error) {
        this.options.ports.release(mirror.pair);
        const next =
          remotes && attempt < ADD_ATTEMPTS && this.mirrors.get(remote.feedId) === mirror
            ? this.options.ports.take()
            : undefined;
        this.options.logger.warn(
          { err: error, participant: remote.id, port: mirror.pair.port, retry: next !== undefined },
          'cascade: remote publisher not made',
        );
        if (next) {
          mirror.pair = next;
          continue;
        }
        mirror.state = 'failed';
        if (this.mirrors.get(remote.feedId) === mirror) this.mirrors.delete(remote.feedId);
        return undefined;
      }
    }
  }

  /** Another node listens for one of our feeds: forward it there once it publishes. */
  private listening(node: string, feedId: number, endpoint: CascadeEndpoint): void {
    const local = [...this.room.participants.values()].find((p) => p.feedId === feedId);
    if (!local) return;
    const nodes = this.listeners.get(feedId) ?? new Map<string, CascadeEndpoint>();
    this.listeners.set(feedId, nodes);
    // The same endpoint said again (a repeat after a re-announce): already forwarded, or on its way.
    const known = nodes.get(node);
    if (known && sameEndpoint(known, endpoint)) return;
    nodes.set(node, endpoint);
    if (local.publishing) this.forward(feedId, node, endpoint);
  }

  private forward(feedId: number, node: string, endpoint: CascadeEndpoint): void {
    void this.chain(feedId, async () => {
      const remotes = this.options.remotes();
      if (!remotes) throw new Error('the SFU is down');
      const previous = this.forwards.get(feedId)?.get(node);
      if (previous) {
        // The other node made its remote publisher again (new port): the old forward goes first.
        await remotes
          .unpublishRemotely(this.room.sfuRoomId, { feedId, remoteId: node })
          .catch(() => undefined);
        this.forwards.get(feedId)?.delete(node);
      }
      // Still wanted: the feed is still ours and that node still listens there.
      const local = [...this.room.participants.values()].find((p) => p.feedId === feedId);
      if (!local?.publishing || this.listeners.get(feedId)?.get(node) !== endpoint) return;
      await remotes.publishRemotely(this.room.sfuRoomId, { feedId, remoteId: node, endpoint });
      const nodes = this.forwards.get(feedId) ?? new Map<string, CascadeEndpoint>();
      this.forwards.set(feedId, nodes);
      nodes.set(node, endpoint);
      this.options.logger.info({ feedId, node, port: endpoint.port }, 'cascade: forwarding a feed');
    });
  }

  /** A remote participant left: gone from the room, then its remote publisher from our SFU. */
  private async dropRemote(id: string, node?: string): Promise<void> {
    const remote = this.room.remotes.get(id);
    if (!remote || (node !== undefined && remote.node !== node)) return;
    const mirror = this.mirrors.get(remote.feedId);
    if (mirror) this.mirrors.delete(remote.feedId);
    const unsubscribed = this.room.removeRemote(id);
    if (!mirror) return;
    await this.chain(remote.feedId, async () => {
      await unsubscribed;
      // Still being added, or failed: the add's own path releases it.
      if (mirror.state !== 'ready') return;
      try {
        await this.options.remotes()?.removeRemotePublisher(this.room.sfuRoomId, remote.feedId);
      } finally {
        this.options.ports.release(mirror.pair);
      }
    });
  }

  /** A node closed its part of the room or died: its participants go, and nothing is forwarded to it. */
  async nodeGone(node: string): Promise<void> {
    const drops = [...this.room.remotes.values()]
      .filter((r) => r.node === node)
      .map((r) => this.dropRemote(r.id, node));
    for (const nodes of this.listeners.values()) nodes.delete(node);
    for (const [feedId, nodes] of this.forwards) {
      if (!nodes.has(node)) continue;
      nodes.delete(node);
      drops.push(
        this.chain(feedId, async () => {
          await this.options.remotes()?.unpublishRemotely(this.room.sfuRoomId, { feedId, remoteId: node });
        }),
      );
    }
    await Promise.all(drops);
  }

  /** Nodes whose reports have not expired: the room's participants on any other node are gone. */
  nodesAlive(alive: ReadonlySet<string>): void {
    const nodes = new Set([...this.room.remotes.values()].map((r) => r.node));
    for (const nodeMap of this.forwards.values()) for (const node of nodeMap.keys()) nodes.add(node);
    for (const node of nodes) if (!alive.has(node)) void this.nodeGone(node);
  }

  /**
   * Our part of the room closes (its last participant here left, or our SFU went): the others hear `bye`, and
   * every remote publisher we made is removed from our SFU. Resolves when they are (before the room's destroy:
   * Janus 1.1.2 leaves a remote publisher's thread running when its room is destroyed, fixed upstream in #3508).
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.send({ type: 'bye', from: this.self });
    this.closed = true;
    await this.options.bus.unsubscribe(this.channel).catch(() => undefined);
    const ids = [...this.room.remotes.keys()];
    await Promise.all(ids.map((id) => this.dropRemote(id)));
    // Mirrors of participants the room no longer lists (it was abandoned with its SFU): released here.
    for (const [feedId, mirror] of [...this.mirrors]) {
      this.mirrors.delete(feedId);
      void this.chain(feedId, async () => {
        if (mirror.state !== 'ready') return;
        try {
          await this.options.remotes()?.removeRemotePublisher(this.room.sfuRoomId, feedId);
        } finally {
          this.options.ports.release(mirror.pair);
        }
      });
    }
    this.forwards.clear();
    this.listeners.clear();
    await Promise.all([...this.chains.values()]);
  }
}

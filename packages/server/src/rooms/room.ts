import { randomBytes } from 'node:crypto';
import {
  displayNameKey,
  type IceServer,
  type IceTarget,
  type MediaSource,
  type ServerMessage,
  type SubscribedStream,
  type VideoLayer,
} from '@backdrop/protocol';
import { ServerError } from '../errors.js';
import { TokenBucket } from '../limits/token-bucket.js';
import type { Logger } from '../logger.js';
import { MeetingState } from '../meeting/meeting-state.js';
import type { Sfu, SfuCandidate, SfuStream } from '../sfu/sfu.js';
import { RoomHosts, type WaitingRoomLimits } from './hosts.js';
import { MediaRouter } from './media-router.js';
import { type Link, newIdentity, Participant, Relay } from './participant.js';
import type { RemoteParticipant } from './remote-participant.js';
import { Subscription } from './subscription.js';

/**
 * `videoLayers` requests per participant: a browser sends one when tiles change size or scroll, debounced; a
 * burst covers a layout change. Over it: `rate_limited`.
 */
export const VIDEO_LAYER_RATE = { perSecond: 4, burst: 8 } as const;

/** How long a leaving publisher stays in the SFU so the others' unsubscribes land before it vanishes. */
const LEAVE_GRACE_MS = 3_000;

/**
 * A place held in a room for a join whose SFU handles are still being made. It counts towards the room's cap
 * and keeps its name taken, and while any seat is held the room is not empty, so it is not destroyed.
 */
export interface Seat {
  readonly name: string;
  readonly key: string;
  /** Opened the room's host link: enters as a host. */
  readonly asHost: boolean;
}

/** A room's access settings at creation: its first host's password, and the waiting room's bounds. */
export interface RoomAccessOptions {
  password?: string | undefined;
  waiting: WaitingRoomLimits;
}

/** Waiting room bounds when none are given (tests); the server passes its configuration. */
export const DEFAULT_WAITING: WaitingRoomLimits = { maxWaitingPerRoom: 20, waitingTimeoutMs: 300_000 };

/** How a room hands out resume tokens (the registry keeps them, since a `resume` names no room). */
export interface ResumePolicy {
  /** How long a participant whose socket was lost is kept; 0: resume is off. */
  readonly windowMs: number;
  /** A new token for this participant, for its `joined`; its previous one stops working. */
  issue(room: Room, participant: Participant): string;
  /** The participant is gone: its token stops working. */
  revoke(participant: Participant): void;
}

/** Resume off: a token is still sent (the protocol requires one) but nothing will accept it. */
export const NO_RESUME: ResumePolicy = {
  windowMs: 0,
  issue: () => randomBytes(32).toString('base64url'),
  revoke: () => undefined,
};

/** Told of changes to this node's own participants (cluster/room-cascade.ts tells the room's other nodes). */
export interface RoomObserver {
  /** Joined, started publishing, started or stopped sharing. */
  changed(participant: Participant): void;
  left(participant: Participant): void;
}

/**
 * One meeting: its participants and its room in the SFU. Creation and removal are the registry's job.
 * 'abandoned': the SFU was lost, so every handle in it is gone; nothing joins it any more.
 */
export class Room {
  readonly participants = new Map<string, Participant>();
  /** Participants of this meeting on other nodes (a cascaded room): shown like ours, never sent anything. */
  readonly remotes = new Map<string, RemoteParticipant>();
  /** Set in cluster mode: hears of our participants' changes. */
  observer: RoomObserver | undefined;
  /**
   * This node holds a later part of a room opened on another node (cluster cascade): its first joiner here is
   * not made host (host actions do not cross nodes).
   */
  continuesElsewhere = false;
  private readonly seats = new Set<Seat>();
  /** Participants gone from the room whose SFU handles are not detached yet. */
  private readonly closing = new Set<Promise<void>>();
  private state: 'open' | 'abandoned' = 'open';
  /** Direct (two people) or through the SFU: who receives whom from the SFU, and the direct pair's signalling. */
  readonly media: MediaRouter;
  /** Roles, lock, password and waiting room. */
  readonly hosts: RoomHosts;
  /** Chat, mic/camera state, hands, reactions and who is speaking (meeting/). */
  readonly meeting = new MeetingState(() => this.participants.values());

  constructor(
    readonly name: string,
    readonly sfuRoomId: number,
    private readonly sfu: Sfu,
    private readonly maxParticipants: number,
    readonly logger: Logger,
    /** ICE servers for one participant's `joined`, with credentials made for it (TURN); none by default. */
    private readonly iceServersFor: (participantId: string) => IceServer[] = () => [],
    private readonly resume: ResumePolicy = NO_RESUME,
    /** P2P=on: a room of two publishing participants sends media browser to browser (media-path.ts). */
    p2p = false,
    access: RoomAccessOptions = { waiting: DEFAULT_WAITING },
  ) {
    this.hosts = new RoomHosts({
      participants: () => this.participants.values(),
      password: access.password,
      waiting: access.waiting,
      logger,
    });
    // A direct pair sends the SFU nothing, so its last audio-level verdict would stick: not speaking while idle.
    // (Speaking is shown only from the SFU; a two-person direct call shows no one speaking.)
    // A room cascaded over several nodes always goes through the SFU (no direct pair across nodes).
    this.media = new MediaRouter(
      () => p2p && this.remotes.size === 0,
      () => this.routed(),
      logger,
      (id, idle) => {
        if (idle) this.meeting.setTalking(id, false);
      },
    );
  }

  /** Ours then the other nodes' participants: whom the media router decides subscriptions for. */
  private *routed(): Iterable<Participant | RemoteParticipant> {
    yield* this.participants.values();
    yield* this.remotes.values();
  }

  /** Ours or another node's participant by feed id. */
  private byFeed(feedId: number): Participant | RemoteParticipant | undefined {
    for (const p of this.routed()) if (p.feedId === feedId) return p;
    return undefined;
  }

  /** Participants in the room (joins still being made not counted). */
  get size(): number {
    return this.participants.size;
  }

  /** Participants plus joins in progress: what the room's and the server's caps count. */
  get occupancy(): number {
    return this.participants.size + this.seats.size;
  }

  /** No one in it and no one joining: the registry may destroy it. */
  get isEmpty(): boolean {
    return this.occupancy === 0;
  }

  /**
   * Resolves once every handle of a participant who left is detached. Janus 1.1.2 crashes (use-after-free in
   * `janus_plugin_close_pc`) when a VideoRoom is destroyed while one of its publishers' handles is being
   * detached, so the registry destroys the room in the SFU only after this.
   */
  async handlesClosed(): Promise<void> {
    while (this.closing.size > 0) await Promise.all(this.closing);
  }

  /** Closes the participant's handles after `after`, counting them until they are detached. */
  private closeLater(participant: Participant, after: Promise<unknown>): void {
    const closed = after.then(() => participant.close());
    this.closing.add(closed);
    void closed.finally(() => this.closing.delete(closed));
  }

  private broadcast(message: ServerMessage, except?: Participant): void {
    for (const p of this.participants.values()) if (p !== except) p.send(message);
  }

  /** Which participant each stream belongs to; streams of feeds no longer here are left out. */
  private describeStreams(streams: SfuStream[]): SubscribedStream[] {
    return streams.flatMap((s) => {
      const publisher = this.byFeed(s.feedId);
      if (!publisher) return [];
      return [{ mid: s.mid, participantId: publisher.id, kind: s.kind, source: this.sourceOf(s) }];
    });
  }

  /** Camera/microphone or screen share: what the publisher's mid carries (camera when unknown). */
  private sourceOf(stream: SfuStream): MediaSource {
    if (stream.feedMid === undefined) return 'camera';
    return this.byFeed(stream.feedId)?.sources.get(stream.feedMid) ?? 'camera';
  }

  /**
   * The participant started or stopped sharing its screen (on its publisher's second video m-line, negotiated
   * from the start): everyone else is told, and the path is decided again (a direct pair moves to the SFU
   * while a share lasts).
   */
  setScreenShare(participant: Participant, active: boolean): void {
    if (this.participants.get(participant.id) !== participant || participant.sharing === active) return;
    participant.sharing = active;
    participant.logger.info({ active }, 'screen share');
    this.broadcast({ type: 'screenShare', participantId: participant.id, active }, participant);
    this.media.sync();
    this.observer?.changed(participant);
  }

  /**
   * Which layer `participant` wants of the videos it receives. Entries naming someone it does not receive
   * (gone, or not yet subscribed) are skipped: a leave can cross the request. Rate-limited per participant.
   * Returns how many entries applied.
   */
  setVideoLayers(
    participant: Participant,
    entries: readonly { participantId: string; source: MediaSource; layer: VideoLayer }[],
    nowMs = Date.now(),
  ): number {
    participant.layerRequests ??= new TokenBucket(VIDEO_LAYER_RATE, nowMs);
    if (!participant.layerRequests.take(nowMs))
      throw new ServerError('rate_limited', 'too many videoLayers requests; send at most a few a second');
    let applied = 0;
    for (const entry of entries) {
      const publisher = this.participants.get(entry.participantId) ?? this.remotes.get(entry.participantId);
      if (!publisher || publisher === participant) continue;
      if (participant.subscription.setLayer(publisher.feedId, entry.source, entry.layer)) applied++;
    }
    return applied;
  }

  /**
   * Holds a place for `name` at once (synchronously, so two joins cannot both take the last place or one
   * name): refused if the room is full, or someone in it or joining it already uses that name.
   */
  reserve(name: string, asHost = false): Seat {
    if (this.state !== 'open')
      throw new ServerError('sfu_unavailable', 'the media server restarted; join again');
    if (this.occupancy >= this.maxParticipants) {
      throw new ServerError('room_full', `room ${this.name} is full (${this.maxParticipants} participants)`);
    }
    const key = displayNameKey(name);
    if (this.nameTaken(key))
      throw new ServerError('invalid_name', 'someone in this room already uses that name');
    const seat = { name, key, asHost };
    this.seats.add(seat);
    return seat;
  }

  /** Someone in the room or joining it uses this display-name key. */
  nameTaken(key: string): boolean {
    return (
      [...this.participants.values()].some((p) => displayNameKey(p.name) === key) ||
      [...this.seats].some((s) => s.key === key)
    );
  }

  /**
   * Makes the seat's SFU handles and admits the participant; the seat is given up either way. Runs outside the
   * registry's lock: each SFU request has its own deadline, and a join that fails part way closes what it made.
   */
  async admit(seat: Seat, link: Link, replyTo?: string | number): Promise<Participant> {
    try {
      const participant = await this.createParticipant(seat.name, link);
      if (this.state !== 'open') {
        this.closeLater(participant, Promise.resolve());
        throw new ServerError('sfu_unavailable', 'the media server restarted; join again');
      }
      this.addParticipant(participant, seat.asHost, replyTo);
      return participant;
    } finally {
      this.seats.delete(seat);
    }
  }

  private async createParticipant(name: string, link: Link): Promise<Participant> {
    const { id, feedId } = newIdentity();
    const logger = this.logger.child({ participant: id });
    const publisher = await this.sfu.createPublisher(this.sfuRoomId, feedId, name);
    // Every message to this participant goes through its relay, so a resume moves them all to the new socket.
    const relay = new Relay(link);
    const send = relay.send;
    const sendCandidate = (target: IceTarget) => (candidate: SfuCandidate | null) =>
      send({ type: 'trickle', target, candidate });
    publisher.on('candidate', sendCandidate('publisher'));
    try {
      const subscriber = await this.sfu.createSubscriber(this.sfuRoomId);
      subscriber.on('candidate', sendCandidate('subscriber'));
      const subscription = new Subscription(
        subscriber,
        (offer) =>
          send({ type: 'subscriberOffer', sdp: offer.sdp, streams: this.describeStreams(offer.streams) }),
        logger,
        (stream) => this.sourceOf(stream),
      );
      return new Participant(id, feedId, name, relay, publisher, subscription, logger);
    } catch (error) {
      await publisher.close();
      throw error;
    }
  }

  /**
   * Admits a participant: it gets `joined` (with everyone here at this moment) before anyone else hears of it,
   * and before any later `participantJoined`, so concurrent joins never list each other twice.
   */
  private addParticipant(participant: Participant, asHost: boolean, replyTo?: string | number): void {
    const { id, feedId, publisher, logger } = participant;
    participant.role = this.hosts.roleOnEntry(asHost);
    publisher.on('connected', () => {
      if (!this.participants.has(id)) return;
      logger.info('publisher connected');
      participant.publishing = true;
      this.media.sync();
      this.observer?.changed(participant);
    });
    publisher.on('hangup', (reason) => {
      logger.info({ reason }, 'publisher hung up');
      participant.publishing = false;
      if (this.participants.has(id)) this.media.sync();
      else for (const other of this.participants.values()) other.subscription.unwant(feedId);
    });
    publisher.on('talking', (talking) =>
      this.meeting.setTalking(id, talking && !this.media.isUploadIdle(id)),
    );
    this.meeting.add(id);
    this.sendJoined(participant, { resumed: false, replyTo });
    this.broadcast({ type: 'participantJoined', participant: participant.info });
    this.participants.set(id, participant);
    this.media.sync();
    this.observer?.changed(participant);
    logger.info(
      { name: participant.name, role: participant.role, size: this.participants.size },
      'participant joined',
    );
  }

  /**
   * `joined` with everyone else here now, fresh ICE servers (new TURN credentials) and a new resume token; then
   * `participantConnection reconnecting` for each of them whose socket is lost right now and `screenShare` for
   * each who shares, so every tile starts in the right state (a client clears its share flags on `joined`).
   */
  private sendJoined(
    participant: Participant,
    options: { resumed: boolean; replyTo?: string | number },
  ): void {
    participant.send({
      type: 'joined',
      ...(options.replyTo === undefined ? {} : { replyTo: options.replyTo }),
      room: this.name,
      participantId: participant.id,
      participants: [...this.routed()].filter((p) => p !== participant).map((p) => p.info),
      iceServers: this.iceServersFor(participant.id),
      resumeToken: this.resume.issue(this, participant),
      resumeWindowMs: this.resume.windowMs,
      resumed: options.resumed,
      access: this.hosts.joinedAccess(participant),
    });
    for (const other of this.routed()) {
      if (other !== participant && 'isAway' in other && other.isAway)
        participant.send({ type: 'participantConnection', participantId: other.id, state: 'reconnecting' });
      if (other !== participant && other.sharing)
        participant.send({ type: 'screenShare', participantId: other.id, active: true });
    }
    participant.send(this.meeting.snapshot());
  }

  /**
   * The participant's socket was lost: it stays (its feed, its subscriptions, its place), the others see it
   * `reconnecting`, and `onExpired` runs if it has not resumed within the resume window.
   */
  detach(participant: Participant, onExpired: () => void): void {
    if (this.participants.get(participant.id) !== participant || participant.isAway) return;
    participant.goAway(this.resume.windowMs, (awayMs) => {
      participant.logger.info({ awayMs }, 'resume window ran out: participant removed');
      onExpired();
    });
    participant.logger.info({ windowMs: this.resume.windowMs }, 'participant detached: socket lost');
    this.broadcast(
      { type: 'participantConnection', participantId: participant.id, state: 'reconnecting' },
      participant,
    );
  }

  /**
   * Takes the participant back on `link` (its token was checked by the caller): its previous connection, if it
   * still has one, is closed first; it gets `joined` (resumed) and then any subscriber offer it has not answered;
   * the others see it `connected`. False if it is no longer here (removed, or the SFU was lost).
   */
  resumeParticipant(participant: Participant, link: Link, replyTo?: string | number): boolean {
    if (this.state !== 'open' || this.participants.get(participant.id) !== participant) return false;
    const wasAway = participant.isAway;
    participant.relay.current?.replaced();
    const awayMs = participant.comeBack(link);
    this.sendJoined(participant, { resumed: true, replyTo });
    if (wasAway) {
      this.broadcast(
        { type: 'participantConnection', participantId: participant.id, state: 'connected' },
        participant,
      );
    }
    participant.subscription.release();
    this.media.retell(participant);
    participant.logger.info({ awayMs, wasAway }, 'participant resumed');
    return true;
  }

  /** Participants whose socket is lost and whose resume window is open. */
  away(): Participant[] {
    return [...this.participants.values()].filter((p) => p.isAway);
  }

  /**
   * Removes a participant at once (the others are told and unsubscribe), then closes its SFU handles in the
   * background after the others' unsubscribes settle, so the SFU never has to renegotiate for us.
   */
  removeParticipant(participant: Participant): void {
    if (this.participants.get(participant.id) !== participant) return;
    this.participants.delete(participant.id);
    this.resume.revoke(participant);
    this.meeting.remove(participant.id);
    participant.logger.info({ size: this.participants.size }, 'participant left');
    this.broadcast({ type: 'participantLeft', participantId: participant.id });
    const others = [...this.participants.values()];
    for (const other of others) other.subscription.unwant(participant.feedId);
    this.media.forget(participant.id);
    this.media.sync();
    this.observer?.left(participant);
    this.hosts.afterLeave(participant);
    const settled = Promise.all(others.map((o) => o.subscription.settled()));
    const grace = new Promise((resolve) => setTimeout(resolve, LEAVE_GRACE_MS).unref());
    this.closeLater(participant, Promise.race([settled, grace]));
  }

  /**
   * A host removes `targetId`: it is told (`removed`), leaves the room like a leave (its resume token revoked,
   * so it cannot come back by resume), and its connection closes with CLOSE_CODES.removed. Refused with
   * `forbidden` for a non-host, and changes nothing then.
   */
  expel(by: Participant, targetId: string): void {
    this.hosts.requireHost(by, 'remove participants');
    const target = this.participants.get(targetId);
    if (!target) throw new ServerError('not_found', 'that participant is not in this room');
    if (target === by) throw ServerError.invalidState('leave the room instead of removing yourself');
    by.logger.info({ removed: target.id }, 'host removed a participant');
    target.send({ type: 'removed', by: by.name });
    const link = target.relay.current;
    this.removeParticipant(target);
    link?.removed?.();
  }

  /**
   * Someone of this meeting on another node: everyone here is told (`participantJoined`) and sees its state;
   * its media follows once its remote publisher is in our SFU (`setRemotePublishing`). Ignored if known.
   */
  addRemote(remote: RemoteParticipant): void {
    if (this.state !== 'open' || this.remotes.has(remote.id) || this.participants.has(remote.id)) return;
    this.meeting.add(remote.id);
    this.broadcast({ type: 'participantJoined', participant: remote.info });
    this.remotes.set(remote.id, remote);
    if (remote.sharing) this.broadcast({ type: 'screenShare', participantId: remote.id, active: true });
    this.media.sync();
    this.logger.info({ participant: remote.id, node: remote.node }, 'remote participant joined');
  }

  /** A remote participant's share started or stopped: everyone here is told. */
  setRemoteSharing(remote: RemoteParticipant, active: boolean): void {
    if (this.remotes.get(remote.id) !== remote || remote.sharing === active) return;
    remote.sharing = active;
    this.broadcast({ type: 'screenShare', participantId: remote.id, active });
  }

  /** Its remote publisher is in our SFU (or gone): our participants subscribe to it (or drop it). */
  setRemotePublishing(remote: RemoteParticipant, publishing: boolean): void {
    if (this.remotes.get(remote.id) !== remote || remote.publishing === publishing) return;
    remote.publishing = publishing;
    if (!publishing) for (const p of this.participants.values()) p.subscription.unwant(remote.feedId);
    this.media.sync();
  }

  /**
   * A remote participant left (or its node went): everyone here is told and unsubscribes. Resolves once their
   * unsubscribes settled (at most LEAVE_GRACE_MS): only then may its remote publisher go from the SFU, so the
   * SFU never renegotiates on its own.
   */
  async removeRemote(id: string): Promise<void> {
    const remote = this.remotes.get(id);
    if (!remote) return;
    this.remotes.delete(id);
    this.meeting.remove(id);
    this.broadcast({ type: 'participantLeft', participantId: id });
    const locals = [...this.participants.values()];
    for (const p of locals) p.subscription.unwant(remote.feedId);
    this.media.forget(id);
    this.media.sync();
    this.logger.info({ participant: id, node: remote.node }, 'remote participant left');
    const settled = Promise.all(locals.map((p) => p.subscription.settled()));
    const grace = new Promise((resolve) => setTimeout(resolve, LEAVE_GRACE_MS).unref());
    await Promise.race([settled, grace]);
  }

  /** Work that must finish before the room is destroyed in the SFU (remote publishers to remove first). */
  holdClose(work: Promise<unknown>): void {
    const done = work.then(
      () => undefined,
      (error: unknown) => this.logger.warn({ err: error }, 'room close work failed'),
    );
    this.closing.add(done);
    void done.finally(() => this.closing.delete(done));
  }

  /** The room is going away (emptied and destroyed, or the SFU lost): newcomers still waiting are let go. */
  closeLobby(): void {
    this.hosts.lobby.close('closed');
  }

  /**
   * The SFU was lost: drops every participant and closes their handles at once. The handles are gone with the
   * SFU, so closing only settles local state (it does not wait on the SFU); joins in progress are refused.
   */
  abandon(): void {
    if (this.state === 'abandoned') return;
    this.state = 'abandoned';
    this.closeLobby();
    const participants = [...this.participants.values()];
    this.participants.clear();
    this.remotes.clear();
    for (const participant of participants) {
      this.resume.revoke(participant);
      void participant.close();
    }
    this.logger.info({ participants: participants.length }, 'room abandoned');
  }
}

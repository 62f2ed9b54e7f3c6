import { randomInt } from 'node:crypto';
import { displayNameKey, type IceServer } from '@backdrop/protocol';
import { ServerError } from '../errors.js';
import { KeyedBuckets, perMinute } from '../limits/token-bucket.js';
import type { Logger } from '../logger.js';
import type { Sfu } from '../sfu/sfu.js';
import type { WaitingRoomLimits } from './hosts.js';
import type { KnockOutcome } from './lobby.js';
import type { Link, MessageSink, Participant } from './participant.js';
import { ResumeTokens } from './resume-tokens.js';
import { DEFAULT_WAITING, type ResumePolicy, Room, type Seat } from './room.js';

/** The caps and per-address rates the registry enforces; `Config` has them all. */
export interface RoomLimits {
  maxParticipantsPerRoom: number;
  /** Rooms open at once, over the server. */
  maxRooms: number;
  /** Participants (and joins in progress) over all rooms. */
  maxParticipants: number;
  /** Join attempts per client address per minute, refused ones included. */
  joinsPerMinutePerAddress: number;
  /** Joins that would open a new room, per client address per minute. */
  roomCreationsPerMinutePerAddress: number;
}

export interface RoomRegistryOptions {
  /** The SFU now, or undefined while it is down (joins are then refused with `sfu_unavailable`). */
  sfu: () => Sfu | undefined;
  limits: RoomLimits;
  logger: Logger;
  /** Clock for the rate limits; tests pass their own. */
  now?: () => number;
  /** ICE servers (TURN, with fresh credentials) for a participant's `joined`; none if unset. */
  iceServersFor?: (participantId: string) => IceServer[];
  /** How long a participant whose socket was lost is kept for a `resume`; 0 or unset: resume is off. */
  resumeWindowMs?: number;
  /** P2P=on: two-person rooms go direct (rooms/media-path.ts); off if unset. */
  p2p?: boolean;
  /** Waiting room bounds and password guessing limits; DEFAULT_ACCESS_LIMITS if unset. */
  access?: AccessLimits;
  /** Told when a room opens (before its first join sits) and when it closes: cluster mode's persistence. */
  hooks?: RoomHooks;
}

/** What a room's opening and closing mean elsewhere (cluster/: chat history and placement in the store). */
export interface RoomHooks {
  /** Must not throw; awaited under the room's lock before anyone sits in it. */
  opened(room: Room): Promise<void>;
  closed(room: Room): void;
}

export interface AccessLimits extends WaitingRoomLimits {
  /** Wrong or missing room passwords per client address per room per minute, before `password_rate_limited`. */
  passwordFailuresPerMinutePerAddress: number;
  /** Wrong or missing room passwords per room per minute, from all addresses together. */
  passwordFailuresPerMinutePerRoom: number;
}

export const DEFAULT_ACCESS_LIMITS: AccessLimits = {
  ...DEFAULT_WAITING,
  passwordFailuresPerMinutePerAddress: 5,
  passwordFailuresPerMinutePerRoom: 30,
};

export interface JoinRequest {
  room: string;
  name: string;
  /** Who asks, for the per-address rates. */
  clientAddress: string;
  send: MessageSink;
  /** The participant was resumed on another socket while still on this one (see Link.replaced). */
  replaced?: () => void;
  /** A host removed the participant (see Link.removed). */
  removed?: () => void;
  /** The join's request id, echoed on the `joined` reply. */
  replyTo?: string | number;
  /** The room's password, if it has one (sets it when this join opens the room). Never logged. */
  password?: string | undefined;
  /** From the room's host link: enters as a host, past the lock and the password. */
  hostKey?: string | undefined;
  /** Aborted when the joiner's socket closes: a wait in the waiting room ends. */
  signal?: AbortSignal;
}

/** What a join found under the room's lock: a seat, or a place in the waiting room. */
type Entry =
  | { kind: 'seat'; room: Room; seat: Seat }
  | { kind: 'wait'; room: Room; waitingId: string; outcome: Promise<KnockOutcome> };

/** Why a wait ended without a seat, as the error the join is refused with. */
function waitRefusal(outcome: Exclude<KnockOutcome, 'admitted' | 'closed'>): ServerError {
  switch (outcome) {
    case 'denied':
      return new ServerError('denied', 'a host of this meeting did not let you in');
    case 'timeout':
      return new ServerError('wait_timeout', 'nobody let you in to this locked meeting in time');
    case 'cancelled':
      return ServerError.invalidState('the wait was given up');
  }
}

export interface ResumeRequest {
  /** The token from the participant's latest `joined`. */
  token: string;
  /** Who asks, for the per-address join rate (a resume counts as a join). */
  clientAddress: string;
  link: Link;
  replyTo?: string | number;
}

/** The one answer to every resume that cannot be honoured: it never says whether the token ever existed. */
function resumeFailed(): ServerError {
  return new ServerError('resume_failed', 'this call cannot be resumed (gone, or too late); join again');
}

/** How often idle per-address buckets are dropped. */
const SWEEP_INTERVAL_MS = 60_000;

/**
 * All live rooms by name. A room's lock covers only its creation or destruction in the SFU (one request, with
 * the SFU's deadline) and the map change, so two simultaneous first joins create one room. A participant's own
 * SFU handles are made outside the lock, holding a seat that keeps the room alive meanwhile: one slow or stuck
 * join never blocks the other joins and leaves of its room.
 */
export class RoomRegistry {
  private readonly rooms = new Map<string, Room>();
  private readonly locks = new Map<string, Promise<unknown>>();
  /** Rooms whose SFU creation is under way: counted against `maxRooms` with the open ones. */
  private creating = 0;
  private readonly joins: KeyedBuckets;
  private readonly creations: KeyedBuckets;
  private readonly now: () => number;
  private lastSweepMs: number;
  private readonly sfu: () => Sfu | undefined;
  private readonly limits: RoomLimits;
  private readonly logger: Logger;
  private readonly iceServersFor: (participantId: string) => IceServer[];
  /** Resume tokens over all rooms (a `resume` names no room), and the room of each holder. */
  private readonly tokens = new ResumeTokens<Participant>();
  private readonly homes = new Map<Participant, Room>();
  private readonly resumePolicy: ResumePolicy;
  /** Set by `drain`: lost sockets leave at once and resumes are refused. */
  private draining = false;
  private readonly p2p: boolean;
  private readonly access: AccessLimits;
  /** Wrong or missing passwords, per `address room` and per room. */
  private readonly passwordFailures: KeyedBuckets;
  private readonly roomPasswordFailures: KeyedBuckets;
  private readonly hooks: RoomHooks | undefined;

  constructor(options: RoomRegistryOptions) {
    this.access = options.access ?? DEFAULT_ACCESS_LIMITS;
    this.hooks = options.hooks;
    this.passwordFailures = new KeyedBuckets(perMinute(this.access.passwordFailuresPerMinutePerAddress));
    this.roomPasswordFailures = new KeyedBuckets(perMinute(this.access.passwordFailuresPerMinutePerRoom));
    const windowMs = options.resumeWindowMs ?? 0;
    this.resumePolicy = {
      windowMs,
      issue: (room, participant) => {
        this.homes.set(participant, room);
        return this.tokens.issue(participant);
      },
      revoke: (participant) => {
        this.homes.delete(participant);
        this.tokens.revoke(participant);
      },
    };
    this.iceServersFor = options.iceServersFor ?? (() => []);
    this.p2p = options.p2p ?? false;
    this.sfu = options.sfu;
    this.limits = options.limits;
    this.logger = options.logger;
    this.now = options.now ?? Date.now;
    this.joins = new KeyedBuckets(perMinute(this.limits.joinsPerMinutePerAddress));
    this.creations = new KeyedBuckets(perMinute(this.limits.roomCreationsPerMinutePerAddress));
    this.lastSweepMs = this.now();
  }

  get(name: string): Room | undefined {
    return this.rooms.get(name);
  }

  get size(): number {
    return this.rooms.size;
  }

  /** The rooms open now. */
  openRooms(): IterableIterator<Room> {
    return this.rooms.values();
  }

  /** Participants and joins in progress, over all rooms. */
  get occupancy(): number {
    let total = 0;
    for (const room of this.rooms.values()) total += room.occupancy;
    return total;
  }

  private withLock<T>(name: string, work: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(name) ?? Promise.resolve();
    const next = previous.then(work, work);
    const tail = next.catch(() => undefined);
    this.locks.set(name, tail);
    void tail.then(() => {
      if (this.locks.get(name) === tail) this.locks.delete(name);
    });
    return next;
  }

  private requireSfu(): Sfu {
    const sfu = this.sfu();
    if (!sfu)
      throw new ServerError('sfu_unavailable', 'the media server is not available; try again shortly');
    return sfu;
  }

  private checkServerCapacity(): void {
    if (this.occupancy >= this.limits.maxParticipants) {
      throw new ServerError(
        'server_full',
        `the server has its maximum of ${this.limits.maxParticipants} participants; try again later`,
      );
    }
  }

  /** Takes one join from the address's allowance (resumes count too), or refuses with `join_rate_limited`. */
  private takeJoin(clientAddress: string, nowMs: number): void {
    if (nowMs - this.lastSweepMs >= SWEEP_INTERVAL_MS) {
      this.lastSweepMs = nowMs;
      this.joins.sweep(nowMs);
      this.creations.sweep(nowMs);
      this.passwordFailures.sweep(nowMs);
      this.roomPasswordFailures.sweep(nowMs);
    }
    if (!this.joins.take(clientAddress, nowMs)) {
      throw new ServerError(
        'join_rate_limited',
        `too many joins from your address (at most ${this.limits.joinsPerMinutePerAddress} a minute); wait a moment`,
      );
    }
  }

  /**
   * Joins a room: opens it if needed, checks its password, waits in its waiting room while it is locked
   * (holding no seat and no SFU handle: a host admits or denies, or the wait times out), then takes a seat
   * and makes the participant's SFU handles.
   */
  async join(request: JoinRequest): Promise<{ room: Room; participant: Participant }> {
    const nowMs = this.now();
    this.takeJoin(request.clientAddress, nowMs);
    this.checkServerCapacity();
    let admittedTo: Room | undefined;
    for (;;) {
      const entry = await this.withLock(request.room, () => this.enter(request, nowMs, admittedTo));
      if (entry.kind === 'seat') return this.sit(entry.room, entry.seat, request);
      request.send({
        type: 'waiting',
        ...(request.replyTo === undefined ? {} : { replyTo: request.replyTo }),
        room: request.room,
        timeoutMs: this.access.waitingTimeoutMs,
      });
      const outcome = await entry.outcome;
      // Closed: the room emptied (or the SFU went) while it waited; it joins afresh, as anyone would.
      if (outcome === 'admitted') admittedTo = entry.room;
      else if (outcome !== 'closed') throw waitRefusal(outcome);
      if (request.signal?.aborted) throw waitRefusal('cancelled');
      this.checkServerCapacity();
    }
  }

  private async sit(
    room: Room,
    seat: Seat,
    request: JoinRequest,
  ): Promise<{ room: Room; participant: Participant }> {
    const link: Link = { send: request.send, replaced: request.replaced ?? (() => undefined) };
    if (request.removed) link.removed = request.removed;
    try {
      return { room, participant: await room.admit(seat, link, request.replyTo) };
    } catch (error) {
      await this.destroyIfEmpty(room);
      throw error;
    }
  }

  /**
   * Under the room's lock: opens the room if needed, checks the password, then holds a seat in it, or (locked,
   * and neither host nor already admitted to this room) a place in its waiting room.
   */
  private async enter(request: JoinRequest, nowMs: number, admittedTo: Room | undefined): Promise<Entry> {
    const existing = this.rooms.get(request.room);
    const room = existing ?? (await this.create(request, nowMs));
    try {
      const opener = existing === undefined && !room.continuesElsewhere;
      const asHost = opener || room.hosts.access.isHostKey(request.hostKey);
      const admitted = admittedTo === room;
      if (!asHost && !admitted) {
        this.checkPassword(room, request, nowMs);
        if (room.hosts.access.locked) return this.knock(room, request);
      }
      this.checkServerCapacity();
      return { kind: 'seat', room, seat: room.reserve(request.name, asHost) };
    } catch (error) {
      if (room.isEmpty && this.rooms.get(room.name) === room) await this.destroy(room);
      throw error;
    }
  }

  /** Refuses a missing or wrong password, and any attempt once this address or room has failed too often. */
  private checkPassword(room: Room, request: JoinRequest, nowMs: number): void {
    if (!room.hosts.access.passwordSet) return;
    const key = `${request.clientAddress} ${room.name}`;
    if (!this.passwordFailures.has(key, nowMs) || !this.roomPasswordFailures.has(room.name, nowMs)) {
      throw new ServerError(
        'password_rate_limited',
        'too many wrong passwords for this meeting in the last minute; wait a minute',
      );
    }
    const check = room.hosts.access.checkPassword(request.password);
    if (check === 'ok') return;
    this.passwordFailures.take(key, nowMs);
    this.roomPasswordFailures.take(room.name, nowMs);
    throw check === 'required'
      ? new ServerError('password_required', 'this meeting has a password')
      : new ServerError('wrong_password', 'that is not this meeting’s password');
  }

  private knock(room: Room, request: JoinRequest): Entry {
    const key = displayNameKey(request.name);
    if (room.nameTaken(key))
      throw new ServerError('invalid_name', 'someone in this room already uses that name');
    const knock = room.hosts.lobby.knock(request.name, key, request.signal);
    if (knock === 'full')
      throw new ServerError('waiting_full', 'too many people are waiting to be let in to this meeting');
    if (knock === 'name_taken')
      throw new ServerError('invalid_name', 'someone waiting to be let in already uses that name');
    room.logger.info({ waitingId: knock.id }, 'newcomer waits to be let in');
    return { kind: 'wait', room, waitingId: knock.id, outcome: knock.outcome };
  }

  private async create(request: JoinRequest, nowMs: number): Promise<Room> {
    if (this.rooms.size + this.creating >= this.limits.maxRooms) {
      throw new ServerError(
        'too_many_rooms',
        `the server has its maximum of ${this.limits.maxRooms} rooms open; try again later`,
      );
    }
    if (!this.creations.take(request.clientAddress, nowMs)) {
      throw new ServerError(
        'room_create_rate_limited',
        `too many new rooms from your address (at most ${this.limits.roomCreationsPerMinutePerAddress} a minute)`,
      );
    }
    const sfu = this.requireSfu();
    const sfuRoomId = randomInt(1, 2 ** 47);
    this.creating++;
    try {
      await sfu.createRoom(sfuRoomId, this.limits.maxParticipantsPerRoom);
    } finally {
      this.creating--;
    }
    const name = request.room;
    const room = new Room(
      name,
      sfuRoomId,
      sfu,
      this.limits.maxParticipantsPerRoom,
      this.logger.child({ room: name }),
      this.iceServersFor,
      this.resumePolicy,
      this.p2p,
      { password: request.password, waiting: this.access },
    );
    await this.hooks?.opened(room);
    this.rooms.set(name, room);
    this.logger.info({ room: name, sfuRoomId }, 'room created');
    return room;
  }

  /** Removes the participant at once; the room is destroyed if that left it empty. */
  async leave(room: Room, participant: Participant): Promise<void> {
    room.removeParticipant(participant);
    await this.destroyIfEmpty(room);
  }

  /**
   * The participant's socket was lost in a way it may come back from: with resume on, it is kept for the resume
   * window (then removed as by `leave`); with resume off, or while draining, it leaves at once.
   */
  async detach(room: Room, participant: Participant): Promise<void> {
    if (this.resumePolicy.windowMs === 0 || this.draining) {
      await this.leave(room, participant);
      return;
    }
    room.detach(participant, () => void this.leave(room, participant));
  }

  /**
   * Takes a participant back on a new socket. The token must be the latest issued to it (it is used up here) and
   * the participant still in its room; anything else is `resume_failed`. Counted against the join rate.
   */
  resume(request: ResumeRequest): { room: Room; participant: Participant } {
    this.takeJoin(request.clientAddress, this.now());
    const participant = this.tokens.take(request.token);
    const room = participant && this.homes.get(participant);
    if (!participant || !room || this.draining) throw resumeFailed();
    if (!room.resumeParticipant(participant, request.link, request.replyTo)) throw resumeFailed();
    return { room, participant };
  }

  /**
   * The server is going down: participants away now leave at once (their rooms can empty and close), later
   * socket losses leave at once, and resumes are refused.
   */
  drain(): void {
    this.draining = true;
    for (const room of [...this.rooms.values()])
      for (const participant of room.away()) void this.leave(room, participant);
  }

  private async destroyIfEmpty(room: Room): Promise<void> {
    if (!room.isEmpty || this.rooms.get(room.name) !== room) return;
    await this.withLock(room.name, async () => {
      // A join may have taken a seat while this waited for the lock.
      if (room.isEmpty && this.rooms.get(room.name) === room) await this.destroy(room);
    });
  }

  /**
   * Under the room's lock. The room leaves the map at once (a new join of that name makes a new room, after this
   * lock), but is destroyed in the SFU only once every handle that joined it is detached: Janus 1.1.2 crashes
   * when a room's destroy and a detach of one of its publishers run at the same time.
   */
  private async destroy(room: Room): Promise<void> {
    this.rooms.delete(room.name);
    this.hooks?.closed(room);
    room.closeLobby();
    await room.handlesClosed();
    const sfu = this.sfu();
    if (!sfu) return;
    try {
      await sfu.destroyRoom(room.sfuRoomId);
      this.logger.info({ room: room.name }, 'room destroyed');
    } catch (error) {
      this.logger.warn({ err: error, room: room.name }, 'room destroy failed');
    }
  }

  /**
   * The SFU was lost: every room and handle in it is gone. Forgets the rooms without talking to the SFU and
   * closes their participants' handles locally; joins in progress are refused when their handles come back.
   */
  abandonAll(): void {
    for (const room of this.rooms.values()) {
      room.abandon();
      this.hooks?.closed(room);
    }
    this.rooms.clear();
  }
}

import { randomInt } from 'node:crypto';
import type { IceServer } from '@backdrop/protocol';
import { ServerError } from '../errors.js';
import { KeyedBuckets, perMinute } from '../limits/token-bucket.js';
import type { Logger } from '../logger.js';
import type { Sfu } from '../sfu/sfu.js';
import type { Link, MessageSink, Participant } from './participant.js';
import { ResumeTokens } from './resume-tokens.js';
import { type ResumePolicy, Room, type Seat } from './room.js';

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
}

export interface JoinRequest {
  room: string;
  name: string;
  /** Who asks, for the per-address rates. */
  clientAddress: string;
  send: MessageSink;
  /** The participant was resumed on another socket while still on this one (see Link.replaced). */
  replaced?: () => void;
  /** The join's request id, echoed on the `joined` reply. */
  replyTo?: string | number;
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

  constructor(options: RoomRegistryOptions) {
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
    }
    if (!this.joins.take(clientAddress, nowMs)) {
      throw new ServerError(
        'join_rate_limited',
        `too many joins from your address (at most ${this.limits.joinsPerMinutePerAddress} a minute); wait a moment`,
      );
    }
  }

  async join(request: JoinRequest): Promise<{ room: Room; participant: Participant }> {
    const nowMs = this.now();
    this.takeJoin(request.clientAddress, nowMs);
    this.checkServerCapacity();
    const { room, seat } = await this.withLock(request.room, () => this.takeSeat(request, nowMs));
    const link: Link = { send: request.send, replaced: request.replaced ?? (() => undefined) };
    try {
      return { room, participant: await room.admit(seat, link, request.replyTo) };
    } catch (error) {
      await this.destroyIfEmpty(room);
      throw error;
    }
  }

  /** Under the room's lock: opens the room if needed, then holds a seat in it. */
  private async takeSeat(request: JoinRequest, nowMs: number): Promise<{ room: Room; seat: Seat }> {
    const room = this.rooms.get(request.room) ?? (await this.create(request, nowMs));
    try {
      this.checkServerCapacity();
      return { room, seat: room.reserve(request.name) };
    } catch (error) {
      if (room.isEmpty && this.rooms.get(room.name) === room) await this.destroy(room);
      throw error;
    }
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
    );
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
    for (const room of this.rooms.values()) room.abandon();
    this.rooms.clear();
  }
}

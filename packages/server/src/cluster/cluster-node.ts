import type { ChatEntry } from '@backdrop/protocol';
import { ServerError } from '../errors.js';
import type { Logger } from '../logger.js';
import { choosePlacement, chooseShareNode, type Route, suspectFromVia } from './placement.js';
import type { ClusterStore, NodeReport, StoredParticipant } from './store.js';

/** A room this node hosts, as the report loop sees it. */
export interface HostedRoom {
  name: string;
  participants: StoredParticipant[];
}

export interface ClusterNodeOptions {
  store: ClusterStore;
  id: string;
  /** How the other nodes reach this one (its /healthz is probed when a client says it is unreachable). */
  url: string;
  logger: Logger;
  /** This node's load now. */
  load: () => { rooms: number; participants: number; janusUp: boolean };
  /** Rooms open on this node now. */
  hosted: () => Iterable<HostedRoom>;
  /** Whether a room of that name is open on this node. */
  hosts: (room: string) => boolean;
  /**
   * ROOM_NODE_CAPACITY: participants of one room on one node. Set: a room whose share here is full takes its
   * next joins on another node (a cascaded room, see room-cascade.ts). Unset: a room lives on one node.
   */
  roomNodeCapacity?: number;
  /** Participants (and joins in progress) of the room on this node; undefined if it is not open here. */
  localShare?: (room: string) => number | undefined;
  /** True if the node at `url` answers its health check in time (kill -9 refuses at once). */
  probe: (url: string) => Promise<boolean>;
  /** Report period; the report expires after `reportTtlMs` (default 3x the period). */
  reportIntervalMs?: number;
  reportTtlMs?: number;
  /** A room's placement expires this long after its node last refreshed it. */
  roomTtlMs?: number;
  /** Chat messages kept per room in the store (the meeting keeps the same number). */
  chatKeep: number;
  now?: () => number;
}

/** How long a placement lock is held at most, and how long a join waits for one. */
const LOCK_TTL_MS = 3_000;
const LOCK_WAIT_MS = 2_000;
const LOCK_RETRY_MS = 50;
/** Store failures are logged at most this often. */
const FAILURE_LOG_MS = 10_000;

function unavailable(cause?: unknown): ServerError {
  return new ServerError(
    'cluster_unavailable',
    'the meeting servers cannot reach their shared store right now; try again in a moment',
    { cause },
  );
}

/**
 * This server's part in a cluster: it reports its load to the store every period (a node whose report expires
 * is dead), places rooms by load under a per-room lock, says where a join must go (`route`), refreshes the
 * placement and participant list of the rooms it hosts, and keeps each room's chat history in the store so a
 * node that takes over a room after its node died carries it on. A store outage ends no call: rooms go on in
 * memory, writes fail quietly (logged, rate-limited), and the next report after the store is back re-asserts
 * everything (a store restarted without persistence is refilled within one period).
 */
export class ClusterNode {
  readonly id: string;
  private readonly options: ClusterNodeOptions;
  private readonly now: () => number;
  private readonly intervalMs: number;
  private readonly reportTtlMs: number;
  private readonly roomTtlMs: number;
  private timer: NodeJS.Timeout | undefined;
  private reporting: Promise<void> | undefined;
  private lastFailureLogMs = -Infinity;
  private failing = false;
  /** Redirects answered, for /healthz (tests and operators see where joins went). */
  redirects = 0;

  constructor(options: ClusterNodeOptions) {
    this.options = options;
    this.id = options.id;
    this.now = options.now ?? Date.now;
    this.intervalMs = options.reportIntervalMs ?? 1_000;
    this.reportTtlMs = options.reportTtlMs ?? 3 * this.intervalMs;
    this.roomTtlMs = options.roomTtlMs ?? 30 * this.intervalMs;
  }

  /** Writes the first report (so this node can be chosen at once), then one every period. */
  async start(): Promise<void> {
    await this.report();
    this.timer = setInterval(() => void this.report(), this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.reporting;
  }

  private fail(what: string, error: unknown): void {
    const at = this.now();
    if (!this.failing || at - this.lastFailureLogMs >= FAILURE_LOG_MS) {
      this.lastFailureLogMs = at;
      this.options.logger.warn({ err: error }, `cluster store: ${what} failed (rooms carry on in memory)`);
    }
    this.failing = true;
  }

  private recovered(): void {
    if (!this.failing) return;
    this.failing = false;
    this.options.logger.info('cluster store reachable again: reports and placements re-asserted');
  }

  private myReport(): NodeReport {
    return { id: this.id, url: this.options.url, ...this.options.load(), at: Math.round(this.now()) };
  }

  /** One report: load, then each hosted room's placement (claimed if absent) and participants. */
  report(): Promise<void> {
    this.reporting ??= this.reportOnce().finally(() => {
      this.reporting = undefined;
    });
    return this.reporting;
  }

  private async reportOnce(): Promise<void> {
    const { store } = this.options;
    try {
      await store.writeNode(this.myReport(), this.reportTtlMs);
      for (const room of this.options.hosted()) {
        const owner = await store.claimRoom(room.name, this.id, this.roomTtlMs);
        if (this.options.roomNodeCapacity !== undefined) {
          // Part of a room that may span nodes: its placement stays with its node, our share is kept.
          await store.writeShare(room.name, this.id, room.participants.length, this.roomTtlMs);
        } else if (owner !== this.id) {
          this.options.logger.warn({ room: room.name, owner }, 'a room open here is placed on another node');
        }
        if (owner === this.id || this.options.roomNodeCapacity === undefined)
          await store.writeParticipants(room.name, room.participants, this.roomTtlMs);
      }
      this.recovered();
    } catch (error) {
      this.fail('report', error);
    }
  }

  /**
   * Where a join for `room` goes: here (the room is open here, or placed here now) or another node. `via` is
   * the node the client asked the load balancer for (`?node=`); landing elsewhere means the balancer could not
   * reach it, so it is probed and, if it does not answer, treated as dead even before its report expires (no
   * redirect back to it). Throws `cluster_unavailable` when the store cannot be reached and the room is not
   * open here.
   */
  async route(room: string, via?: string): Promise<Route> {
    const capacity = this.options.roomNodeCapacity;
    const share = this.options.localShare?.(room);
    const hosted = this.options.hosts(room);
    if (hosted && (capacity === undefined || share === undefined || share < capacity))
      return { kind: 'local' };
    const { store } = this.options;
    // Full here and the store unreachable: no other node can be asked, so the room's own cap applies.
    if (!store.available) {
      if (hosted) return { kind: 'local' };
      throw unavailable();
    }
    try {
      const suspect = suspectFromVia(via, this.id);
      const dead = new Set<string>();
      if (capacity !== undefined) return this.counted(await this.placeShare(room, capacity, suspect));
      const decided = await this.existing(room, suspect, dead);
      if (decided) return this.counted(decided);
      return this.counted(await this.place(room, suspect, dead));
    } catch (error) {
      if (error instanceof ServerError) throw error;
      throw unavailable(error);
    }
  }

  private counted(route: Route): Route {
    if (route.kind === 'redirect') this.redirects++;
    return route;
  }

  /** The room's current node if it is alive (probed when it is the suspect); dead ones are added to `dead`. */
  private async existing(
    room: string,
    suspect: string | undefined,
    dead: Set<string>,
  ): Promise<Route | undefined> {
    const { store } = this.options;
    const owner = await store.roomNode(room);
    if (owner === undefined) return undefined;
    if (owner === this.id) return { kind: 'local' };
    const report = (await store.liveNodes()).find((n) => n.id === owner);
    if (!report?.janusUp) {
      dead.add(owner);
      return undefined;
    }
    if (owner === suspect && !(await this.options.probe(report.url))) {
      this.options.logger.info({ room, node: owner }, 'room node unreachable: placing its room again');
      dead.add(owner);
      return undefined;
    }
    return { kind: 'redirect', node: owner };
  }

  /** Under the room's lock: looks again (another node may have placed it meanwhile), then places it by load. */
  private async place(room: string, suspect: string | undefined, dead: Set<string>): Promise<Route> {
    const { store } = this.options;
    const token = await this.takeLock(room);
    try {
      // A store that just came back (a Redis restarted empty) does not know yet where the rooms open elsewhere
      // are: give their nodes one report period (plus half) to claim them again before placing this one.
      const settleMs = store.readyAt + 1.5 * this.intervalMs - this.now();
      if (settleMs > 0) await new Promise((r) => setTimeout(r, Math.min(settleMs, 1.5 * this.intervalMs)));
      const again = await this.existing(room, suspect, dead);
      if (again) return again;
      const nodes = (await store.liveNodes()).filter((n) => n.id !== this.id);
      nodes.push(this.myReport());
      const exclude = new Set(dead);
      if (suspect) exclude.add(suspect);
      const node = choosePlacement({ nodes, self: this.id, exclude });
      if (!node) throw new ServerError('sfu_unavailable', 'no meeting server can take this room now');
      await store.placeRoom(room, node, this.roomTtlMs);
      this.options.logger.info({ room, node, replaced: [...dead] }, 'room placed');
      return node === this.id ? { kind: 'local' } : { kind: 'redirect', node };
    } finally {
      await store.unlock(room, token).catch((error: unknown) => this.fail('unlock', error));
    }
  }

  /**
   * Under the room's lock, for rooms that may span several nodes: the node with a place in the room
   * (chooseShareNode over the live nodes and the room's shares), reserving that place in the store so the
   * joiner's redirect lands in its share. The room's placement moves only when its node is gone.
   */
  private async placeShare(room: string, capacity: number, suspect: string | undefined): Promise<Route> {
    const { store } = this.options;
    const token = await this.takeLock(room);
    try {
      const settleMs = store.readyAt + 1.5 * this.intervalMs - this.now();
      if (settleMs > 0) await new Promise((r) => setTimeout(r, Math.min(settleMs, 1.5 * this.intervalMs)));
      const nodes = (await store.liveNodes()).filter((n) => n.id !== this.id);
      nodes.push(this.myReport());
      const shares = await store.shares(room);
      const local = this.options.localShare?.(room);
      if (local !== undefined) shares.set(this.id, local);
      const owner = await store.roomNode(room);
      // The room's node may not have reported its share yet (opened within the last period): assume a place.
      if (owner !== undefined && !shares.has(owner)) shares.set(owner, 0);
      const exclude = new Set<string>();
      const suspectReport = nodes.find((n) => n.id === suspect);
      if (suspectReport && !(await this.options.probe(suspectReport.url))) {
        this.options.logger.info(
          { room, node: suspect },
          'room node unreachable: placing its joins elsewhere',
        );
        exclude.add(suspectReport.id);
      }
      const node = chooseShareNode({ nodes, self: this.id, shares, capacity, exclude });
      if (!node) throw new ServerError('room_full', `every meeting server has ${capacity} of this room`);
      // Another node's place is reserved until its next report; ours is counted by the room as soon as it opens.
      if (node !== this.id) await store.writeShare(room, node, 1, this.roomTtlMs, true);
      const ownerLive =
        owner !== undefined && nodes.some((n) => n.id === owner && n.janusUp) && !exclude.has(owner);
      if (!ownerLive) await store.placeRoom(room, node, this.roomTtlMs);
      if (node !== owner && ownerLive)
        this.options.logger.info(
          { room, node, owner, shares: Object.fromEntries(shares) },
          'room spans nodes',
        );
      else if (!ownerLive) this.options.logger.info({ room, node, replaced: owner }, 'room placed');
      return node === this.id ? { kind: 'local' } : { kind: 'redirect', node };
    } finally {
      await store.unlock(room, token).catch((error: unknown) => this.fail('unlock', error));
    }
  }

  private async takeLock(room: string): Promise<string> {
    const deadline = this.now() + LOCK_WAIT_MS;
    for (;;) {
      const token = await this.options.store.lock(room, LOCK_TTL_MS);
      if (token !== undefined) return token;
      if (this.now() >= deadline) throw unavailable(new Error(`placement lock of ${room} stayed taken`));
      await new Promise((r) => setTimeout(r, LOCK_RETRY_MS));
    }
  }

  /** A room opened here: its chat history from the store (a node that died may have held it). */
  async openedRoom(room: string): Promise<ChatEntry[]> {
    try {
      await this.options.store.claimRoom(room, this.id, this.roomTtlMs);
      return await this.options.store.chat(room);
    } catch (error) {
      this.fail('loading chat history', error);
      return [];
    }
  }

  /** True if the room is placed on another node (this node opens a later part of it); false if unknown. */
  async placedElsewhere(room: string): Promise<boolean> {
    try {
      const owner = await this.options.store.roomNode(room);
      return owner !== undefined && owner !== this.id;
    } catch (error) {
      this.fail('reading a placement', error);
      return false;
    }
  }

  /** A chat message in a room hosted here: kept in the store for whoever hosts the room next. */
  chatAdded(room: string, entry: ChatEntry): void {
    this.options.store
      .appendChat(room, entry, this.options.chatKeep)
      .catch((error: unknown) => this.fail('chat write', error));
  }

  /** A room here closed (emptied): its placement, chat and participants go. */
  closedRoom(room: string): void {
    this.options.store.releaseRoom(room, this.id).catch((error: unknown) => this.fail('room release', error));
    if (this.options.roomNodeCapacity !== undefined)
      this.options.store.dropShare(room, this.id).catch((error: unknown) => this.fail('share drop', error));
  }

  /** The store, for the room cascade's liveness checks (cluster/cascade.ts). */
  get store(): ClusterStore {
    return this.options.store;
  }
}

import { type ChatEntry, NodeId } from '@backdrop/protocol';
import * as z from 'zod';

/** What each node says about itself every report period; read back by every node, so validated on read. */
export const NodeReport = z.strictObject({
  id: NodeId,
  /** How the load balancer and the other nodes reach this node (`http://127.0.0.1:8081`). */
  url: z.url({ protocol: /^https?$/ }),
  rooms: z.number().int().min(0),
  participants: z.number().int().min(0),
  janusUp: z.boolean(),
  /** When the report was written (ms since the epoch, the writer's clock). */
  at: z.number().int().min(0),
});
export type NodeReport = z.infer<typeof NodeReport>;

/** Someone in a room, as the room's node writes it for the other nodes. */
export const StoredParticipant = z.strictObject({ id: z.string().max(64), name: z.string().max(256) });
export type StoredParticipant = z.infer<typeof StoredParticipant>;

/** A failure of the shared store (unreachable, timed out): callers treat it as "cluster unavailable". */
export class ClusterStoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ClusterStoreError';
  }
}

/**
 * The only door to the shared store (Redis in production: redis-store.ts; MemoryClusterStore in tests). Every
 * operation that decides something is atomic in the store: no check-then-act across two calls.
 * Any method may reject with ClusterStoreError while the store is unreachable.
 */
export interface ClusterStore {
  /** True while connected; operations fail fast while false. */
  readonly available: boolean;
  /**
   * When the store last became reachable (ms, local clock). Right after a restart it may be empty until every
   * node has reported again, so placement waits a report period from here before trusting "unplaced".
   */
  readonly readyAt: number;
  /** Writes (or refreshes) a node's report; it expires after `ttlMs` unless written again. */
  writeNode(report: NodeReport, ttlMs: number): Promise<void>;
  /** Every node whose report has not expired (malformed reports are skipped). */
  liveNodes(): Promise<NodeReport[]>;
  /** The node a room is placed on, if any. */
  roomNode(room: string): Promise<string | undefined>;
  /**
   * Atomically: if the room is unplaced or placed on `node`, places it on `node` with expiry `ttlMs`. Returns
   * the room's node afterwards (another node's id when it is placed elsewhere).
   */
  claimRoom(room: string, node: string, ttlMs: number): Promise<string>;
  /** Places the room on `node` whatever it was (only under the room's lock). */
  placeRoom(room: string, node: string, ttlMs: number): Promise<void>;
  /** Atomically removes the room's placement if it is still `node`'s, with its chat and participants. */
  releaseRoom(room: string, node: string): Promise<void>;
  /** Takes the room's placement lock for `ttlMs`; the token to release it, or undefined if it is held. */
  lock(room: string, ttlMs: number): Promise<string | undefined>;
  /** Releases the lock only if `token` still holds it. */
  unlock(room: string, token: string): Promise<void>;
  /** Appends to the room's chat history, keeping the last `keep`. */
  appendChat(room: string, entry: ChatEntry, keep: number): Promise<void>;
  /** The room's chat history, oldest first (entries that fail the schema are dropped). */
  chat(room: string): Promise<ChatEntry[]>;
  /** Replaces the room's participant list (expires after `ttlMs` unless written again). */
  writeParticipants(room: string, participants: StoredParticipant[], ttlMs: number): Promise<void>;
  participants(room: string): Promise<StoredParticipant[]>;
  /**
   * A room cascaded over several nodes: sets `node`'s share (its participants of the room), or with `add`
   * adds to it atomically (a placement reserving a place before the joiner arrives). The room's shares expire
   * together `ttlMs` after the last write.
   */
  writeShare(room: string, node: string, count: number, ttlMs: number, add?: boolean): Promise<void>;
  /** Each node's share of the room (nodes that hold none are absent; malformed entries skipped). */
  shares(room: string): Promise<Map<string, number>>;
  dropShare(room: string, node: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Messages between nodes (Redis pub/sub), at most once, in order per publisher. Every message received is
 * input from another process: callers validate it.
 */
export interface ClusterBus {
  publish(channel: string, text: string): Promise<void>;
  /** Starts delivering the channel's messages to `listener` (one listener per channel). */
  subscribe(channel: string, listener: (text: string) => void): Promise<void>;
  unsubscribe(channel: string): Promise<void>;
  close(): Promise<void>;
}

import { randomBytes } from 'node:crypto';
import type { ChatEntry } from '@backdrop/protocol';
import {
  type ClusterBus,
  type ClusterStore,
  ClusterStoreError,
  type NodeReport,
  type StoredParticipant,
} from './store.js';

interface Expiring<T> {
  value: T;
  until: number;
}

/**
 * ClusterStore in memory, with the same expiry and atomicity rules as the Redis one, for unit tests of the
 * cluster logic (several "nodes" share one instance). `available = false` makes every call fail as Redis down
 * does; `clear()` loses everything as a Redis restart without persistence does.
 */
export class MemoryClusterStore implements ClusterStore {
  available = true;
  /** Tests set it to "now" to play a store that just came back. */
  readyAt = -Infinity;
  private readonly nodes = new Map<string, Expiring<NodeReport>>();
  private readonly rooms = new Map<string, Expiring<string>>();
  private readonly locks = new Map<string, Expiring<string>>();
  private readonly chats = new Map<string, ChatEntry[]>();
  private readonly people = new Map<string, Expiring<StoredParticipant[]>>();
  private readonly roomShares = new Map<string, Expiring<Map<string, number>>>();

  constructor(private readonly now: () => number = Date.now) {}

  clear(): void {
    this.nodes.clear();
    this.rooms.clear();
    this.locks.clear();
    this.chats.clear();
    this.people.clear();
    this.roomShares.clear();
  }

  private check(): void {
    if (!this.available) throw new ClusterStoreError('store unavailable');
  }

  private live<T>(map: Map<string, Expiring<T>>, key: string): T | undefined {
    const entry = map.get(key);
    if (!entry) return undefined;
    if (entry.until <= this.now()) {
      map.delete(key);
      return undefined;
    }
    return entry.value;
  }

  async writeNode(report: NodeReport, ttlMs: number): Promise<void> {
    this.check();
    this.nodes.set(report.id, { value: { ...report }, until: this.now() + ttlMs });
  }

  async liveNodes(): Promise<NodeReport[]> {
    this.check();
    return [...this.nodes.keys()].flatMap((id) => this.live(this.nodes, id) ?? []);
  }

  async roomNode(room: string): Promise<string | undefined> {
    this.check();
    return this.live(this.rooms, room);
  }

  async claimRoom(room: string, node: string, ttlMs: number): Promise<string> {
    this.check();
    const owner = this.live(this.rooms, room);
    if (owner !== undefined && owner !== node) return owner;
    this.rooms.set(room, { value: node, until: this.now() + ttlMs });
    return node;
  }

  async placeRoom(room: string, node: string, ttlMs: number): Promise<void> {
    this.check();
    this.rooms.set(room, { value: node, until: this.now() + ttlMs });
  }

  async releaseRoom(room: string, node: string): Promise<void> {
    this.check();
    if (this.live(this.rooms, room) !== node) return;
    this.rooms.delete(room);
    this.chats.delete(room);
    this.people.delete(room);
  }

  async lock(room: string, ttlMs: number): Promise<string | undefined> {
    this.check();
    if (this.live(this.locks, room) !== undefined) return undefined;
    const token = randomBytes(12).toString('base64url');
    this.locks.set(room, { value: token, until: this.now() + ttlMs });
    return token;
  }

  async unlock(room: string, token: string): Promise<void> {
    this.check();
    if (this.live(this.locks, room) === token) this.locks.delete(room);
  }

  async appendChat(room: string, entry: ChatEntry, keep: number): Promise<void> {
    this.check();
    const list = this.chats.get(room) ?? [];
    list.push({ ...entry });
    if (list.length > keep) list.splice(0, list.length - keep);
    this.chats.set(room, list);
  }

  async chat(room: string): Promise<ChatEntry[]> {
    this.check();
    return [...(this.chats.get(room) ?? [])];
  }

  async writeParticipants(room: string, participants: StoredParticipant[], ttlMs: number): Promise<void> {
    this.check();
    this.people.set(room, { value: participants.map((p) => ({ ...p })), until: this.now() + ttlMs });
  }

  async participants(room: string): Promise<StoredParticipant[]> {
    this.check();
    return this.live(this.people, room) ?? [];
  }

  async writeShare(room: string, node: string, count: number, ttlMs: number, add = false): Promise<void> {
    this.check();
    const shares = this.live(this.roomShares, room) ?? new Map<string, number>();
    shares.set(node, add ? (shares.get(node) ?? 0) + count : count);
    this.roomShares.set(room, { value: shares, until: this.now() + ttlMs });
  }

  async shares(room: string): Promise<Map<string, number>> {
    this.check();
    return new Map(this.live(this.roomShares, room) ?? []);
  }

  async dropShare(room: string, node: string): Promise<void> {
    this.check();
    this.live(this.roomShares, room)?.delete(node);
  }

  async close(): Promise<void> {}
}

/** ClusterBus in memory: every bus made by `connect()` hears what any of them publishes (after a microtask). */
export class MemoryClusterBusHub {
  private readonly buses = new Set<Map<string, (text: string) => void>>();
  /** Every message published, in order (tests read what the nodes said). */
  readonly published: { channel: string; text: string }[] = [];

  connect(): ClusterBus {
    const listeners = new Map<string, (text: string) => void>();
    this.buses.add(listeners);
    return {
      publish: async (channel, text) => {
        this.published.push({ channel, text });
        await Promise.resolve();
        for (const bus of this.buses) bus.get(channel)?.(text);
      },
      subscribe: async (channel, listener) => {
        listeners.set(channel, listener);
      },
      unsubscribe: async (channel) => {
        listeners.delete(channel);
      },
      close: async () => {
        this.buses.delete(listeners);
      },
    };
  }
}

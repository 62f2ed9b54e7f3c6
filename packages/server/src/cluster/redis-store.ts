import { randomBytes } from 'node:crypto';
import { ChatEntry, NodeId } from '@backdrop/protocol';
import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import {
  type ClusterBus,
  type ClusterStore,
  ClusterStoreError,
  NodeReport,
  StoredParticipant,
} from './store.js';

/** Every key starts with this; one Redis can serve one Backdrop cluster. */
const PREFIX = 'backdrop:';
const key = {
  nodes: `${PREFIX}nodes`,
  node: (id: string) => `${PREFIX}node:${id}`,
  room: (room: string) => `${PREFIX}room:${room}`,
  lock: (room: string) => `${PREFIX}lock:${room}`,
  chat: (room: string) => `${PREFIX}chat:${room}`,
  people: (room: string) => `${PREFIX}people:${room}`,
  shares: (room: string) => `${PREFIX}room:${room}:nodes`,
};

/** A chat history nobody writes to for this long is dropped (a room whose every node vanished). */
const CHAT_TTL_MS = 60 * 60 * 1000;
/** Every command gets this long; a hung connection must not hold a join. */
const COMMAND_TIMEOUT_MS = 1_000;
/** Store errors (connection refused while Redis restarts) are logged at most this often. */
const ERROR_LOG_MS = 10_000;

/** Set if absent or already ours; returns the owner afterwards. */
const CLAIM = `local v = redis.call('GET', KEYS[1])
if v == false or v == ARGV[1] then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return ARGV[1] end
return v`;
/** Deletes the placement (and the room's chat and participants) only if it is still this node's. */
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1], KEYS[2], KEYS[3]) return 1 end
return 0`;
/** Releases a lock only for the token that holds it. */
const UNLOCK = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * ClusterStore on Redis (ioredis: reconnects by itself). The offline queue is off and every command has a
 * deadline, so while Redis is down calls fail at once with ClusterStoreError instead of piling up; every
 * value read back is checked with its schema (another process could have written anything).
 */
export class RedisClusterStore implements ClusterStore {
  private readonly redis: Redis;
  private lastErrorLogMs = -Infinity;
  readyAt = -Infinity;

  constructor(url: string, logger: Logger) {
    this.redis = new Redis(url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      commandTimeout: COMMAND_TIMEOUT_MS,
      maxRetriesPerRequest: 0,
      connectTimeout: 2_000,
      // Back soon after a restart: every 200 ms at first, at most every second.
      retryStrategy: (times) => Math.min(times * 200, 1_000),
    });
    this.redis.on('error', (error: Error) => {
      const now = Date.now();
      if (now - this.lastErrorLogMs < ERROR_LOG_MS) return;
      this.lastErrorLogMs = now;
      logger.warn({ err: error }, 'redis connection error (retrying)');
    });
    this.redis.on('ready', () => {
      this.readyAt = Date.now();
      logger.info('redis connected');
    });
  }

  /** Connects; resolves false (and keeps retrying in the background) if Redis does not answer in `waitMs`. */
  /** Runs `listener` each time Redis becomes ready again (after a restart): the node re-asserts at once. */
  onReady(listener: () => void): void {
    this.redis.on('ready', listener);
  }

  async connect(waitMs: number): Promise<boolean> {
    const ready = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), waitMs);
      this.redis.once('ready', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    this.redis.connect().catch(() => undefined);
    return ready;
  }

  get available(): boolean {
    return this.redis.status === 'ready';
  }

  private async run<T>(what: string, work: () => Promise<T>): Promise<T> {
    if (!this.available) throw new ClusterStoreError(`redis unavailable (${this.redis.status})`);
    try {
      return await work();
    } catch (error) {
      throw new ClusterStoreError(`redis ${what} failed`, { cause: error });
    }
  }

  writeNode(report: NodeReport, ttlMs: number): Promise<void> {
    return this.run('writeNode', async () => {
      await this.redis
        .multi()
        .set(key.node(report.id), JSON.stringify(report), 'PX', ttlMs)
        .sadd(key.nodes, report.id)
        .exec();
    });
  }

  liveNodes(): Promise<NodeReport[]> {
    return this.run('liveNodes', async () => {
      const ids = await this.redis.smembers(key.nodes);
      if (ids.length === 0) return [];
      const values = await this.redis.mget(ids.map(key.node));
      const live: NodeReport[] = [];
      const gone: string[] = [];
      values.forEach((value, i) => {
        if (value === null) {
          gone.push(ids[i]!);
          return;
        }
        const report = NodeReport.safeParse(parseJson(value));
        if (report.success) live.push(report.data);
      });
      if (gone.length > 0) await this.redis.srem(key.nodes, ...gone);
      return live;
    });
  }

  roomNode(room: string): Promise<string | undefined> {
    return this.run('roomNode', async () => (await this.redis.get(key.room(room))) ?? undefined);
  }

  claimRoom(room: string, node: string, ttlMs: number): Promise<string> {
    return this.run('claimRoom', async () =>
      String(await this.redis.eval(CLAIM, 1, key.room(room), node, ttlMs)),
    );
  }

  placeRoom(room: string, node: string, ttlMs: number): Promise<void> {
    return this.run('placeRoom', async () => {
      await this.redis.set(key.room(room), node, 'PX', ttlMs);
    });
  }

  releaseRoom(room: string, node: string): Promise<void> {
    return this.run('releaseRoom', async () => {
      await this.redis.eval(RELEASE, 3, key.room(room), key.chat(room), key.people(room), node);
    });
  }

  lock(room: string, ttlMs: number): Promise<string | undefined> {
    return this.run('lock', async () => {
      const token = randomBytes(16).toString('base64url');
      const done = await this.redis.set(key.lock(room), token, 'PX', ttlMs, 'NX');
      return done === 'OK' ? token : undefined;
    });
  }

  unlock(room: string, token: string): Promise<void> {
    return this.run('unlock', async () => {
      await this.redis.eval(UNLOCK, 1, key.lock(room), token);
    });
  }

  appendChat(room: string, entry: ChatEntry, keep: number): Promise<void> {
    return this.run('appendChat', async () => {
      await this.redis
        .multi()
        .rpush(key.chat(room), JSON.stringify(entry))
        .ltrim(key.chat(room), -keep, -1)
        .pexpire(key.chat(room), CHAT_TTL_MS)
        .exec();
    });
  }

  chat(room: string): Promise<ChatEntry[]> {
    return this.run('chat', async () => {
      const items = await this.redis.lrange(key.chat(room), 0, -1);
      return items.flatMap((item) => {
        const entry = ChatEntry.safeParse(parseJson(item));
        return entry.success ? [entry.data] : [];
      });
    });
  }

  writeParticipants(room: string, participants: StoredParticipant[], ttlMs: number): Promise<void> {
    return this.run('writeParticipants', async () => {
      const multi = this.redis.multi().del(key.people(room));
      if (participants.length > 0)
        multi.hset(key.people(room), Object.fromEntries(participants.map((p) => [p.id, p.name])));
      await multi.pexpire(key.people(room), ttlMs).exec();
    });
  }

  participants(room: string): Promise<StoredParticipant[]> {
    return this.run('participants', async () => {
      const hash = await this.redis.hgetall(key.people(room));
      return Object.entries(hash).flatMap(([id, name]) => {
        const p = StoredParticipant.safeParse({ id, name });
        return p.success ? [p.data] : [];
      });
    });
  }

  writeShare(room: string, node: string, count: number, ttlMs: number, add = false): Promise<void> {
    return this.run('writeShare', async () => {
      const multi = this.redis.multi();
      if (add) multi.hincrby(key.shares(room), node, count);
      else multi.hset(key.shares(room), node, String(count));
      await multi.pexpire(key.shares(room), ttlMs).exec();
    });
  }

  shares(room: string): Promise<Map<string, number>> {
    return this.run('shares', async () => {
      const hash = await this.redis.hgetall(key.shares(room));
      const shares = new Map<string, number>();
      for (const [node, value] of Object.entries(hash)) {
        const count = Number(value);
        if (NodeId.safeParse(node).success && Number.isInteger(count) && count >= 0) shares.set(node, count);
      }
      return shares;
    });
  }

  dropShare(room: string, node: string): Promise<void> {
    return this.run('dropShare', async () => {
      await this.redis.hdel(key.shares(room), node);
    });
  }

  /** Pub/sub between the nodes, on a second connection (a subscribed Redis connection does nothing else). */
  bus(): ClusterBus {
    return new RedisClusterBus(this.redis);
  }

  async close(): Promise<void> {
    this.redis.disconnect(false);
  }
}

/**
 * ClusterBus on Redis pub/sub: publishes on the store's connection (failing fast while Redis is down, like
 * every store call), subscribes on a duplicate that queues its SUBSCRIBEs until connected and re-subscribes by
 * itself after a reconnect (ioredis autoResubscribe). Messages published while Redis is down are lost: the
 * room cascade re-announces its members on every reconnect.
 */
class RedisClusterBus implements ClusterBus {
  private readonly subscriber: Redis;
  private readonly listeners = new Map<string, (text: string) => void>();

  constructor(private readonly redis: Redis) {
    this.subscriber = redis.duplicate({
      enableOfflineQueue: true,
      lazyConnect: true,
      commandTimeout: undefined,
    });
    this.subscriber.on('error', () => undefined); // the store's connection logs the outage
    this.subscriber.on('message', (channel: string, text: string) => this.listeners.get(channel)?.(text));
    this.subscriber.connect().catch(() => undefined);
  }

  async publish(channel: string, text: string): Promise<void> {
    if (this.redis.status !== 'ready') throw new ClusterStoreError('redis unavailable');
    try {
      await this.redis.publish(channel, text);
    } catch (error) {
      throw new ClusterStoreError('redis publish failed', { cause: error });
    }
  }

  async subscribe(channel: string, listener: (text: string) => void): Promise<void> {
    this.listeners.set(channel, listener);
    await this.subscriber.subscribe(channel);
  }

  async unsubscribe(channel: string): Promise<void> {
    this.listeners.delete(channel);
    await this.subscriber.unsubscribe(channel).catch(() => undefined);
  }

  async close(): Promise<void> {
    this.listeners.clear();
    this.subscriber.disconnect(false);
  }
}

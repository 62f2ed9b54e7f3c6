import { randomBytes } from 'node:crypto';
import { CHAT_HISTORY_LENGTH } from '@backdrop/protocol';
import type { Logger } from '../logger.js';
import type { RoomHooks, RoomRegistry } from '../rooms/registry.js';
import type { Sfu } from '../sfu/sfu.js';
import { Cascade } from './cascade.js';
import { ClusterNode } from './cluster-node.js';
import { PortPool } from './port-pool.js';
import { RedisClusterStore } from './redis-store.js';

/** How long a probe of another node's /healthz may take before that node counts as unreachable. */
const PROBE_TIMEOUT_MS = 700;
/** How long the start waits for Redis before going on without it (joins then get cluster_unavailable). */
const CONNECT_WAIT_MS = 5_000;

export interface ClusterStartOptions {
  redisUrl: string;
  nodeId: string | undefined;
  /** How others reach this node; the bound URL when unset. */
  nodeUrl: string;
  registry: RoomRegistry;
  janusUp: () => boolean;
  logger: Logger;
  /** ROOM_NODE_CAPACITY, NODE_RTP_HOST, JANUS_REMOTE_PORTS: rooms spanning nodes (Janus remote publishers). */
  cascade: {
    roomNodeCapacity: number;
    rtpHost: string;
    remotePorts: { min: number; max: number };
    sfu: () => Sfu | undefined;
  };
}

export interface RunningCluster {
  node: ClusterNode;
  cascade: Cascade;
  stop(): Promise<void>;
}

/** A random node id: 8 hex digits (fits NodeId). */
export function randomNodeId(): string {
  return randomBytes(4).toString('hex');
}

/** True if `url`/healthz answers 2xx within PROBE_TIMEOUT_MS. */
export async function probeHealth(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

/**
 * The registry's hooks in cluster mode: a room that opens here takes the chat history the store holds for it
 * (its former node may have died) and writes every new message there; a room that closes here drops it all.
 * `node()` is undefined until the cluster has started (no room opens before: joins need a route first).
 */
export function clusterRoomHooks(
  node: () => ClusterNode | undefined,
  cascade: () => Cascade | undefined = () => undefined,
): RoomHooks {
  return {
    async opened(room) {
      const cluster = node();
      if (!cluster) return;
      room.meeting.restoreHistory(await cluster.openedRoom(room.name));
      room.meeting.onChat = (entry) => cluster.chatAdded(room.name, entry);
      const parts = cascade();
      if (!parts) return;
      room.continuesElsewhere = await cluster.placedElsewhere(room.name);
      parts.opened(room);
    },
    closed(room) {
      cascade()?.closed(room);
      node()?.closedRoom(room.name);
    },
  };
}

/** Connects to Redis (waiting a little for it) and starts reporting this node. */
export async function startClusterNode(options: ClusterStartOptions): Promise<RunningCluster> {
  const logger = options.logger.child({ name: 'cluster' });
  const store = new RedisClusterStore(options.redisUrl, logger);
  if (!(await store.connect(CONNECT_WAIT_MS)))
    logger.warn({ waitedMs: CONNECT_WAIT_MS }, 'redis not reachable yet: starting anyway, retrying');
  const { registry } = options;
  const node = new ClusterNode({
    store,
    id: options.nodeId ?? randomNodeId(),
    url: options.nodeUrl,
    logger,
    load: () => ({ rooms: registry.size, participants: registry.occupancy, janusUp: options.janusUp() }),
    hosted: () =>
      [...registry.openRooms()].map((room) => ({
        name: room.name,
        participants: [...room.participants.values()].map((p) => ({ id: p.id, name: p.name })),
      })),
    hosts: (room) => registry.get(room) !== undefined,
    roomNodeCapacity: options.cascade.roomNodeCapacity,
    localShare: (room) => registry.get(room)?.occupancy,
    probe: probeHealth,
    chatKeep: CHAT_HISTORY_LENGTH,
  });
  await node.start();
  const cascade = new Cascade({
    nodeId: node.id,
    bus: store.bus(),
    sfu: options.cascade.sfu,
    ports: new PortPool(options.cascade.remotePorts),
    rtpHost: options.cascade.rtpHost,
    logger,
    liveNodes: () => store.liveNodes(),
  });
  cascade.start();
  // Back after an outage (a Redis restarted empty): report and re-claim our rooms now, not a period later.
  store.onReady(() => void node.report());
  logger.info({ node: node.id, url: options.nodeUrl }, 'cluster mode: node reporting to redis');
  return {
    node,
    cascade,
    async stop() {
      await cascade.stop();
      await node.stop();
      await store.close();
    },
  };
}

import type { Logger } from '../logger.js';
import type { Room } from '../rooms/room.js';
import type { Sfu } from '../sfu/sfu.js';
import type { PortPool } from './port-pool.js';
import { RoomCascade } from './room-cascade.js';
import type { ClusterBus, NodeReport } from './store.js';

export interface CascadeOptions {
  nodeId: string;
  bus: ClusterBus;
  sfu: () => Sfu | undefined;
  ports: PortPool;
  rtpHost: string;
  logger: Logger;
  /** Reports that have not expired (a node missing from them is dead). */
  liveNodes: () => Promise<NodeReport[]>;
  /** How often dead nodes are looked for; every fifth time each room re-announces its participants. */
  periodMs?: number;
  /** See RoomCascadeOptions.settleMs. */
  settleMs?: number;
}

/** Re-announce every this many periods (repairs messages lost while Redis was away). */
const ANNOUNCE_EVERY = 5;

/**
 * This node's part in rooms that span several nodes (ROOM_NODE_CAPACITY): one RoomCascade per room open here,
 * made when the room opens and closed (its remote publishers removed) before the room is destroyed in the SFU.
 * Every period it drops the participants and forwards of nodes whose reports expired.
 */
export class Cascade {
  private readonly rooms = new Map<Room, RoomCascade>();
  private timer: NodeJS.Timeout | undefined;
  private ticks = 0;

  constructor(private readonly options: CascadeOptions) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.options.periodMs ?? 1_000);
    this.timer.unref();
  }

  /** A room opened here: its cascade listens on the room's channel and tells the others about ours. */
  opened(room: Room): void {
    const { options } = this;
    const cascade = new RoomCascade({
      nodeId: options.nodeId,
      room,
      bus: options.bus,
      remotes: () => options.sfu()?.remotes,
      ports: options.ports,
      rtpHost: options.rtpHost,
      logger: room.logger.child({ name: 'cascade' }),
      ...(options.settleMs === undefined ? {} : { settleMs: options.settleMs }),
    });
    this.rooms.set(room, cascade);
    room.observer = cascade;
    const chat = room.meeting.onChat;
    room.meeting.onChat = (entry) => {
      chat?.(entry);
      cascade.chatAdded(entry);
    };
    room.meeting.onState = (state) => cascade.stateChanged(state);
    cascade
      .start()
      .catch((error: unknown) =>
        room.logger.warn({ err: error }, 'cascade: could not join the room channel'),
      );
  }

  /** A room here closes: the room waits for its cascade's cleanup before its destroy in the SFU. */
  closed(room: Room): void {
    const cascade = this.rooms.get(room);
    if (!cascade) return;
    this.rooms.delete(room);
    room.observer = undefined;
    room.holdClose(cascade.close());
  }

  /**
   * Our Janus (re)started: its remote publishers are gone, so their port pairs are free again, and the other
   * nodes' participants are mirrored afresh when each room re-announces (rooms were abandoned with the SFU).
   */
  sfuRestarted(): void {
    this.options.ports.reset();
  }

  /** Remote publishers, forwards and remote participants over every room (for /healthz and tests). */
  counts(): { mirrors: number; forwards: number; remoteParticipants: number } {
    const total = { mirrors: 0, forwards: 0, remoteParticipants: 0 };
    for (const cascade of this.rooms.values()) {
      const c = cascade.counts;
      total.mirrors += c.mirrors;
      total.forwards += c.forwards;
      total.remoteParticipants += c.remoteParticipants;
    }
    return total;
  }

  /** One liveness check now (the timer calls it every period). */
  async tick(): Promise<void> {
    if (this.rooms.size === 0) return;
    this.ticks++;
    let alive: Set<string>;
    try {
      alive = new Set((await this.options.liveNodes()).map((n) => n.id));
    } catch {
      return; // the store is away: nobody is declared dead for that
    }
    alive.add(this.options.nodeId);
    for (const cascade of this.rooms.values()) {
      cascade.nodesAlive(alive);
      if (this.ticks % ANNOUNCE_EVERY === 0) cascade.announce();
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all([...this.rooms.keys()].map(async (room) => this.closed(room)));
    await this.options.bus.close();
  }
}

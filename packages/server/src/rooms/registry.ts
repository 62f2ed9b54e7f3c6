import { randomInt } from 'node:crypto';
import type { Logger } from '../logger.js';
import type { Sfu } from '../sfu/sfu.js';
import type { MessageSink, Participant } from './participant.js';
import { Room } from './room.js';

/**
 * All live rooms by name. Every change to one room (first join creates it in the SFU, last leave destroys it)
 * runs under that room's lock, so two simultaneous first joins create one room.
 */
export class RoomRegistry {
  private readonly rooms = new Map<string, Room>();
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(
    private readonly sfu: () => Sfu,
    private readonly maxParticipants: number,
    private readonly logger: Logger,
  ) {}

  get(name: string): Room | undefined {
    return this.rooms.get(name);
  }

  get size(): number {
    return this.rooms.size;
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

  join(
    name: string,
    displayName: string,
    send: MessageSink,
  ): Promise<{ room: Room; participant: Participant }> {
    return this.withLock(name, async () => {
      let room = this.rooms.get(name);
      if (!room) {
        const sfuRoomId = randomInt(1, 2 ** 47);
        await this.sfu().createRoom(sfuRoomId, this.maxParticipants);
        room = new Room(name, sfuRoomId, this.sfu(), this.maxParticipants, this.logger.child({ room: name }));
        this.rooms.set(name, room);
        this.logger.info({ room: name, sfuRoomId }, 'room created');
      }
      try {
        return { room, participant: await room.addParticipant(displayName, send) };
      } catch (error) {
        if (room.size === 0) await this.destroy(room);
        throw error;
      }
    });
  }

  leave(room: Room, participant: Participant): Promise<void> {
    return this.withLock(room.name, async () => {
      room.removeParticipant(participant);
      if (room.size === 0 && this.rooms.get(room.name) === room) await this.destroy(room);
    });
  }

  private async destroy(room: Room): Promise<void> {
    this.rooms.delete(room.name);
    try {
      await this.sfu().destroyRoom(room.sfuRoomId);
      this.logger.info({ room: room.name }, 'room destroyed');
    } catch (error) {
      this.logger.warn({ err: error, room: room.name }, 'room destroy failed');
    }
  }

  /** The SFU was lost: forget every room without talking to it. Returns the participants that were in them. */
  abandonAll(): Participant[] {
    const participants = [...this.rooms.values()].flatMap((r) => [...r.participants.values()]);
    this.rooms.clear();
    return participants;
  }
}

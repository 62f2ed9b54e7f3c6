import type { ServerMessage } from '@backdrop/protocol';
import pino from 'pino';
import { type RoomLimits, RoomRegistry, type RoomRegistryOptions } from '../src/rooms/registry.js';
import { FakeSfu } from './fake-sfu.js';

/** Limits no unit test reaches unless it sets its own. */
export const TEST_LIMITS: RoomLimits = {
  maxParticipantsPerRoom: 8,
  maxRooms: 10,
  maxParticipants: 100,
  joinsPerMinutePerAddress: 100,
  roomCreationsPerMinutePerAddress: 100,
};

export interface FakeRoomsOptions extends Partial<Omit<RoomRegistryOptions, 'sfu' | 'limits'>> {
  limits?: Partial<RoomLimits>;
}

/**
 * A RoomRegistry over a FakeSfu, with a silent logger and `join(name)` into room `r` from one address that
 * collects what the participant is sent.
 */
export function fakeRooms(options: FakeRoomsOptions = {}) {
  const sfu = new FakeSfu();
  const registry = new RoomRegistry({
    logger: pino({ level: 'silent' }),
    ...options,
    sfu: () => sfu,
    limits: { ...TEST_LIMITS, ...options.limits },
  });
  const join = async (name: string, send?: (message: ServerMessage) => void) => {
    const messages: ServerMessage[] = [];
    const membership = await registry.join({
      room: 'r',
      name,
      clientAddress: '198.51.100.1',
      send: (m) => {
        messages.push(m);
        send?.(m);
      },
    });
    return { ...membership, messages };
  };
  return { sfu, registry, join };
}

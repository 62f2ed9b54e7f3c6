import { ROOM_NAME_PATTERN, RoomName } from '@backdrop/protocol';
import { describe, expect, it } from 'vitest';
import { ALPHABETS, proquint, ROOM_NAME_BITS, suggestRoomName } from './room-names.js';

const isPowerOfTwo = (n: number) => Number.isInteger(Math.log2(n));

describe('suggested room names', () => {
  it('carry at least 60 bits, from the structure of the name', () => {
    expect(ROOM_NAME_BITS).toBe(64);
    expect(ROOM_NAME_BITS).toBeGreaterThanOrEqual(60);
  });

  it('have no modulo bias: alphabets are powers of two of distinct letters', () => {
    for (const alphabet of [ALPHABETS.consonants, ALPHABETS.vowels]) {
      expect(isPowerOfTwo(alphabet.length), alphabet).toBe(true);
      expect(new Set(alphabet).size).toBe(alphabet.length);
    }
    expect([...ALPHABETS.consonants].filter((c) => ALPHABETS.vowels.includes(c))).toEqual([]);
  });

  it('spell every 16-bit value as a different group (so each group keeps all 16 bits)', () => {
    const groups = new Set<string>();
    for (let value = 0; value <= 0xffff; value++) groups.add(proquint(value));
    expect(groups.size).toBe(0x10000);
    expect(proquint(0)).toBe('babab');
    expect(proquint(0xffff)).toBe('zuzuz');
    expect(() => proquint(0x10000)).toThrow(RangeError);
  });

  it('are always valid room names, at most 64 characters', () => {
    const extremes = [0, 0xffff, 0x1234];
    for (const fill of extremes) {
      const name = suggestRoomName((a) => a.fill(fill));
      expect(name).toMatch(ROOM_NAME_PATTERN);
      expect(name.length).toBeLessThanOrEqual(64);
      expect(RoomName.safeParse(name).success).toBe(true);
    }
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const name = suggestRoomName();
      expect(name).toMatch(
        /^([bdfghjklmnprstvz][aiou][bdfghjklmnprstvz][aiou][bdfghjklmnprstvz]-){3}[a-z]{5}$/,
      );
      seen.add(name);
    }
    // 1000 draws from 2^64 names: a repeat would mean the randomness is broken.
    expect(seen.size).toBe(1000);
  });

  it('take every group from the random source, in order', () => {
    const values = [0x0001, 0x0010, 0x0100, 0x1000];
    const random = (array: Uint16Array) => {
      array.set(values);
      return array;
    };
    expect(suggestRoomName(random)).toBe(values.map(proquint).join('-'));
  });
});

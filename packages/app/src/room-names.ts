/**
 * Suggested room names: the link is the only key to a room, so a suggested name must not be guessable. Each
 * name is four proquints (PRO-nounceable QUINT-uplets, e.g. `lusab-babad-gutih-tugad`): every 5-letter group
 * spells 16 random bits as consonant-vowel-consonant-vowel-consonant, so names read aloud and carry 64 bits.
 * Sixteen consonants and four vowels are powers of two, so each letter takes whole bits of a uniformly random
 * 16-bit value: no modulo bias.
 */

const CONSONANTS = 'bdfghjklmnprstvz';
const VOWELS = 'aiou';
const GROUPS = 4;

/** Bits of randomness in one suggested name, from its structure (letters per group and alphabet sizes). */
export const ROOM_NAME_BITS = GROUPS * (3 * Math.log2(CONSONANTS.length) + 2 * Math.log2(VOWELS.length));

/** Spells a 16-bit value as one 5-letter group; a bijection on 0..65535. Pure. */
export function proquint(value: number): string {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff) throw new RangeError(`not 16 bits: ${value}`);
  return (
    CONSONANTS[(value >>> 12) & 0xf]! +
    VOWELS[(value >>> 10) & 0x3]! +
    CONSONANTS[(value >>> 6) & 0xf]! +
    VOWELS[(value >>> 4) & 0x3]! +
    CONSONANTS[value & 0xf]!
  );
}

/** Fills the array with cryptographically random values (the browser's and Node's Web Crypto). */
export type RandomSource = (array: Uint16Array) => Uint16Array;

const webCrypto: RandomSource = (array) => crypto.getRandomValues(array);

/** A new suggested room name: four groups of 16 random bits each. Pure apart from `random`. */
export function suggestRoomName(random: RandomSource = webCrypto): string {
  return Array.from(random(new Uint16Array(GROUPS)), proquint).join('-');
}

/** Exposed for the entropy test: the alphabets the structure is built from. */
export const ALPHABETS = { consonants: CONSONANTS, vowels: VOWELS, groups: GROUPS } as const;

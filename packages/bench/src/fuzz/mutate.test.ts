import { ClientMessage, MAX_CONTROL_MESSAGE_BYTES, MAX_MESSAGE_BYTES } from '@backdrop/protocol';
import { describe, expect, it } from 'vitest';
import { MUTATION_FAMILIES, type Mutation, mutate } from './mutate.js';
import { createRng } from './prng.js';
import { mutateSdp, SDP_MUTATION_NAMES } from './sdp-mutate.js';
import { answerFor, BROWSER_OFFER, SEED_TYPES, seedMessage } from './seeds.js';

const context = { room: 'fuzz-room', name: 'Alice' };
const seeds = SEED_TYPES.map((type, i) => seedMessage(type, context, i));

function run(seed: string, count: number): Mutation[] {
  const rng = createRng(seed);
  return Array.from({ length: count }, (_, i) => mutate(seeds[i % seeds.length]!, rng));
}

/** One run shared by the tests that look at what a few thousand mutations cover. */
const suite = run('suite', 4000);

const bytesOf = (m: Mutation) => (typeof m.data === 'string' ? Buffer.byteLength(m.data) : m.data.byteLength);

describe('seeds', () => {
  it('are valid client messages, so every change the fuzzer makes starts from what a browser sends', () => {
    for (const seed of seeds) expect(ClientMessage.safeParse(seed).success).toBe(true);
    expect(BROWSER_OFFER.match(/^m=/gm)).toHaveLength(2);
    expect(BROWSER_OFFER).not.toMatch(/a=(recvonly|sendrecv)/);
  });

  it('answer a subscriber offer receive-only, with the DTLS client role and no candidates', () => {
    const answer = answerFor(BROWSER_OFFER.replaceAll('a=sendonly', 'a=sendrecv'));
    expect(answer).not.toMatch(/a=(sendonly|sendrecv)|a=candidate|a=setup:actpass/);
    expect(answer.match(/a=recvonly/g)).toHaveLength(2);
  });
});

describe('mutate', () => {
  it('is reproducible from the seed and differs between seeds', () => {
    const a = run('42', 300);
    expect(run('42', 300)).toEqual(a);
    expect(run('43', 300)).not.toEqual(a);
  });

  it('almost never sends the seed unchanged', () => {
    const valid = suite.filter(
      (m) => typeof m.data === 'string' && seeds.some((s) => JSON.stringify(s) === m.data),
    );
    expect(valid.length).toBeLessThan(suite.length * 0.02);
  });

  it('uses every family and every SDP mutation over a few thousand frames', () => {
    const seen = new Set(suite.flatMap((m) => m.families));
    for (const family of MUTATION_FAMILIES) expect(seen, family).toContain(family);
    for (const name of SDP_MUTATION_NAMES) expect(seen, name).toContain(`sdp.${name}`);
  });

  it('hits the byte limits exactly, and goes one byte past them', () => {
    const sizes = new Set(
      suite.filter((m) => m.families.length === 1 && m.families[0] === 'fieldLength').map(bytesOf),
    );
    for (const limit of [MAX_CONTROL_MESSAGE_BYTES, MAX_MESSAGE_BYTES]) {
      expect(sizes).toContain(limit);
      expect(sizes).toContain(limit + 1);
    }
  });

  it('produces hostile keys, lone surrogates, raw numbers and binary or invalid UTF-8 frames', () => {
    const frames = suite;
    const texts = frames.flatMap((m) => (typeof m.data === 'string' ? [m.data] : []));
    expect(texts.some((t) => t.includes('"__proto__":'))).toBe(true);
    expect(texts.some((t) => t.includes('"participantId":'))).toBe(true);
    expect(texts.some((t) => /\\ud800/.test(t))).toBe(true);
    expect(texts.some((t) => /:1e999[,}]/.test(t))).toBe(true);
    expect(frames.some((m) => m.binary)).toBe(true);
    const invalid = frames.filter((m) => !m.binary && typeof m.data !== 'string');
    expect(invalid.length).toBeGreaterThan(0);
    for (const m of invalid)
      expect(() => new TextDecoder('utf-8', { fatal: true }).decode(m.data as Uint8Array)).toThrow();
  });

  it('keeps most frames parseable JSON, so the schema and handlers are reached, not only the JSON parser', () => {
    const frames = suite;
    const parseable = frames.filter((m) => {
      if (typeof m.data !== 'string') return false;
      try {
        JSON.parse(m.data);
        return true;
      } catch {
        return false;
      }
    });
    expect(parseable.length / frames.length).toBeGreaterThan(0.6);
  });
});

describe('mutateSdp', () => {
  it('changes the SDP and names what it did', () => {
    const rng = createRng('sdp');
    for (let i = 0; i < 200; i++) {
      const { sdp, names } = mutateSdp(BROWSER_OFFER, rng);
      expect(names.length).toBeGreaterThan(0);
      for (const name of names) expect(SDP_MUTATION_NAMES).toContain(name);
      expect(typeof sdp).toBe('string');
    }
  });
});

describe('createRng', () => {
  it('stays in range and forks independent streams', () => {
    const rng = createRng(7);
    for (let i = 0; i < 1000; i++) {
      const n = rng.int(10);
      expect(n).toBeGreaterThanOrEqual(0);
      expect(n).toBeLessThan(10);
    }
    const a = createRng(7).fork('a');
    const b = createRng(7).fork('b');
    expect([a.next(), a.next()]).not.toEqual([b.next(), b.next()]);
  });
});

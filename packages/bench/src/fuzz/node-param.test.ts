import { describe, expect, it } from 'vitest';
import { NODE_PARAM_SEEDS, withFuzzedNode } from './node-param.js';
import { createRng } from './prng.js';

describe('withFuzzedNode', () => {
  it('adds seeded ?node= values to about half the sockets, reproducibly', () => {
    const urls = (seed: string) =>
      Array.from({ length: 200 }, () => withFuzzedNode('ws://127.0.0.1:1/ws', createRng(seed)));
    const rng = createRng('s1');
    const made = Array.from({ length: 400 }, () => withFuzzedNode('ws://127.0.0.1:1/ws', rng));
    const hinted = made.filter((u) => new URL(u).searchParams.has('node'));
    expect(hinted.length).toBeGreaterThan(120);
    expect(hinted.length).toBeLessThan(280);
    for (const u of hinted)
      for (const v of new URL(u).searchParams.getAll('node')) expect(NODE_PARAM_SEEDS).toContain(v);
    expect(urls('x')).toEqual(urls('x'));
  });
});

/**
 * Inputs for the wasm kernels' tests (seeded, the same every run) and a byte-for-byte comparison of pictures.
 * Test support only: no kernel imports it.
 */
import { createI420, type I420 } from '../yuv.js';

/** A seeded byte stream (the same inputs every run). */
export function bytes(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s >>> 16) & 255;
  };
}

/** A camera-like picture: gradients plus noise, every plane different. */
export function textured(w: number, h: number, seed: number): I420 {
  const next = bytes(seed);
  const p = createI420(w, h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) p.y[y * w + x] = (x * 3 + y * 5 + (next() & 31)) & 255;
  for (let i = 0; i < p.u.length; i++) {
    p.u[i] = (i * 7 + (next() & 15)) & 255;
    p.v[i] = (255 - i * 3 + (next() & 15)) & 255;
  }
  return p;
}

/**
 * An alpha like the refinement's: a person (255) with a soft outline, background 0, a few noisy patches and a
 * person touching the left, right and bottom edges, so every run kind meets every edge.
 */
export function personAlpha(aw: number, ah: number, seed: number): Uint8Array {
  const next = bytes(seed);
  const a = new Uint8Array(aw * ah);
  for (let y = 0; y < ah; y++)
    for (let x = 0; x < aw; x++) {
      const d = Math.hypot(x - aw / 2, (y - ah) * 0.8) - ah * 0.6;
      let v = d < -3 ? 255 : d > 3 ? 0 : Math.round(((3 - d) / 6) * 255);
      if (x < 3 || x >= aw - 2) v = 255;
      if (y < ah / 4 && x > aw / 3 && x < aw / 2) v = next();
      a[y * aw + x] = v;
    }
  return a;
}

export function small(sw: number, sh: number, seed: number): Uint8ClampedArray {
  const next = bytes(seed);
  return new Uint8ClampedArray(sw * sh * 4).map(next);
}

/** Where two pictures differ, as "plane x,y" strings (empty when byte-identical). */
export function differences(a: I420, b: I420): string[] {
  const out: string[] = [];
  const planes: [string, Uint8Array, Uint8Array, number][] = [
    ['y', a.y, b.y, a.width],
    ['u', a.u, b.u, a.chromaWidth],
    ['v', a.v, b.v, a.chromaWidth],
  ];
  for (const [name, p, q, w] of planes)
    for (let i = 0; i < p.length && out.length < 10; i++)
      if (p[i] !== q[i]) out.push(`${name} ${i % w},${Math.floor(i / w)}: ${p[i]} vs ${q[i]}`);
  return out;
}

import { describe, expect, it } from 'vitest';
import { createI420, type I420, shrinkI420 } from '../yuv.js';
import { bytes, differences } from './test-inputs.js';
import { createWasmKernels, type WasmKernels } from './wasm-kernels.js';

function kernels(): WasmKernels {
  const k = createWasmKernels();
  if (!k) throw new Error('the wasm kernels do not run here');
  return k;
}

/** A full-size picture of w x h and its half, both in the kernel's memory, as the compositor has them. */
function inMemory(k: WasmKernels, w: number, h: number): { full: I420; half: I420 } {
  const { full } = k.frameArea(w, h, w / 2, h / 2);
  return { full, half: k.pictures(w / 2, h / 2).src };
}

/** Every 2x2 block of each plane summing to the next of 0..1020 in turn (`from` onward), so each rounding occurs. */
function everySum(p: I420, from: number): void {
  const planes: [Uint8Array, number, number][] = [
    [p.y, p.width, p.height],
    [p.u, p.chromaWidth, p.chromaHeight],
    [p.v, p.chromaWidth, p.chromaHeight],
  ];
  let s = from;
  for (const [plane, pw, ph] of planes)
    for (let y = 0; y + 1 < ph; y += 2)
      for (let x = 0; x + 1 < pw; x += 2, s = (s + 1) % 1021) {
        // Four samples adding to s, unequal corners (so a swapped row or column changes the sum's parts).
        plane[y * pw + x] = s >> 2;
        plane[y * pw + x + 1] = (s + 3) >> 2;
        plane[(y + 1) * pw + x] = (s + 1) >> 2;
        plane[(y + 1) * pw + x + 1] = (s + 2) >> 2;
      }
}

/** Source sizes whose half is the kernel's case: 2x2, odd chroma (3, 5, 9, 11, 17, 33 wide), SIMD steps and tails. */
const SIZES: [number, number][] = [
  [4, 4],
  [8, 4],
  [12, 8],
  [20, 12],
  [36, 4],
  [44, 8],
  [64, 64],
  [68, 20],
  [132, 12],
  [100, 60],
  [640, 480],
  [1280, 720],
];

const FILLS: [string, (p: I420, w: number, h: number) => void][] = [
  [
    'noise',
    (p, w, h) => {
      const next = bytes(w * 131 + h);
      for (let i = 0; i < p.data.length; i++) p.data[i] = next();
    },
  ],
  ['all 255', (p) => p.data.fill(255)],
  ['all 0', (p) => p.data.fill(0)],
  ['every sum', (p, w) => everySum(p, w)],
];

describe('wasm shrinkI420 (yuv.ts halvePlane at the half-size level, the same bytes)', () => {
  it('matches the JS on every size and content, and writes nothing but the half picture', () => {
    for (const [w, h] of SIZES)
      for (const [name, fillWith] of FILLS) {
        const k = kernels();
        const { full, half } = inMemory(k, w, h);
        fillWith(full, w, h);
        half.data.fill(77);
        const memory = new Uint8Array(half.data.buffer);
        const before = memory.slice();
        expect(k.shrinkI420(full, half), `${w}x${h} ${name}`).toBe(true);
        const js = shrinkI420(full, createI420(w / 2, h / 2));
        expect(differences(half, js), `${w}x${h} ${name}`).toEqual([]);
        // Outside the half picture the memory is as it was (the full picture included).
        const start = half.data.byteOffset;
        const end = start + half.data.length;
        let stray = -1;
        for (let i = 0; i < memory.length && stray < 0; i++)
          if ((i < start || i >= end) && memory[i] !== before[i]) stray = i;
        expect(stray, `${w}x${h} ${name}`).toBe(-1);
      }
  });

  it('meets every block sum in the SIMD steps and in the tail', () => {
    // 64 wide: 32 outputs a row, two steps and no tail; 28 wide: 14, all tail. Either has 1021 luma blocks or more.
    for (const [w, h] of [
      [64, 64],
      [28, 148],
    ] as const) {
      const k = kernels();
      const { full, half } = inMemory(k, w, h);
      for (let from = 0; from < 1021; from += 257) {
        everySum(full, from);
        expect(k.shrinkI420(full, half)).toBe(true);
        expect(
          differences(half, shrinkI420(full, createI420(w / 2, h / 2))),
          `${w}x${h} from ${from}`,
        ).toEqual([]);
      }
    }
  });

  it('declines pictures outside its memory and sizes that are not an exact half', () => {
    const k = kernels();
    const { full, half } = inMemory(k, 16, 8);
    expect(k.shrinkI420(createI420(16, 8), half)).toBe(false);
    expect(k.shrinkI420(full, createI420(8, 4))).toBe(false);
    // Not half: larger, smaller, one side only.
    expect(k.shrinkI420(full, k.pictures(10, 4).src)).toBe(false);
    expect(k.shrinkI420(k.frameArea(16, 8, 6, 4).full, k.pictures(6, 4).src)).toBe(false);
    expect(k.shrinkI420(k.frameArea(16, 8, 8, 8).full, k.pictures(8, 8).src)).toBe(false);
    // An odd half width (chroma 2 of 3) and 2x2 to 1x1: the JS's box average, not its halving.
    expect(k.shrinkI420(k.frameArea(6, 4, 3, 2).full, k.pictures(3, 2).src)).toBe(false);
    expect(k.shrinkI420(k.frameArea(2, 2, 1, 1).full, k.pictures(1, 1).src)).toBe(false);
    // An odd half height: the JS halves, but its last chroma row reads past the source's 3 rows.
    expect(k.shrinkI420(k.frameArea(8, 6, 4, 3).full, k.pictures(4, 3).src)).toBe(false);
  });
});

/**
 * The layout of a kernels instance's memory, the helpers its kernels share: our layout starts at BASE,
 * blocks are 16-byte aligned, the memory grows a page at a time, and a kernel call takes its scratch blocks
 * one after the other (scratchTaker). kernel-memory.ts lays the pictures and the scratch out with them.
 * Pure: typed arrays and WebAssembly only.
 */
import type { I420 } from '../yuv.js';

export const PAGE = 65536;
/** Where our layout starts: the module's own data stays below (it has none: its memory starts empty, tested). */
export const BASE = PAGE;

export const align = (n: number) => (n + 15) & ~15;

/** Grows `memory` to at least `bytes`; true when it grew (every view of its old buffer detached then). */
export function growTo(memory: WebAssembly.Memory, bytes: number): boolean {
  if (memory.buffer.byteLength >= bytes) return false;
  memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / PAGE));
  return true;
}

/** Whether all three planes of `p` are in `buffer`, as long as its sizes say (so a kernel stays inside them). */
export function isPictureIn(p: I420, buffer: ArrayBufferLike): boolean {
  const chroma = p.chromaWidth * p.chromaHeight;
  return (
    p.y.buffer === buffer &&
    p.u.buffer === buffer &&
    p.v.buffer === buffer &&
    p.y.length === p.width * p.height &&
    p.u.length === chroma &&
    p.v.length === chroma
  );
}

/** The largest model mask and bilateral radius the layout makes room for (larger ones run the JS). */
export const RESERVE_MASK = { width: 256, height: 256, radius: 3 };

/** Hands out 16-byte-aligned blocks of the scratch area one after the other, for one kernel call. */
export function scratchTaker(start: number): (bytes: number) => number {
  let at = start;
  return (bytes) => {
    const p = at;
    at += align(bytes);
    return p;
  };
}

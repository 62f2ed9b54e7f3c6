/**
 * The blur kernel over a kernels instance's memory (kernel-memory.ts): maskWeightedBlur(), blur.ts's
 * mask-weighted blur (the blurred background, at its small size). Pure: typed arrays and WebAssembly only.
 */
import { boxRadius, type WeightedBlurInput } from '../blur.js';
import type { KernelMemory } from './kernel-memory.js';
import { align, scratchTaker } from './memory-layout.js';

export class BlurKernel {
  constructor(private readonly memory: KernelMemory) {}

  /**
   * blur.ts's maskWeightedBlur (the same bytes) into `input.out` (or a new array); null when this kernel does
   * not take it (too large for its scratch), and then the caller runs maskWeightedBlur.
   */
  maskWeightedBlur(input: WeightedBlurInput): Uint8ClampedArray | null {
    const { rgba, alpha, width, height } = input;
    const n = width * height;
    if (rgba.length !== n * 4 || alpha.length !== n)
      throw new RangeError('maskWeightedBlur: sizes do not match');
    if (!this.memory.layout) this.memory.pictures(width, height);
    const need = 2 * align(4 * n) + align(n) + 2 * align(16 * n) + align(32 * width);
    if (need > this.memory.scratchCap) return null;
    const k = this.memory.exports;
    const take = scratchTaker(this.memory.scratch);
    const rgbaAt = take(4 * n);
    const alphaAt = take(n);
    const outAt = take(4 * n);
    const planes = take(16 * n);
    const scratch = take(16 * n);
    const acc = take(32 * width);
    new Uint8ClampedArray(k.memory.buffer, rgbaAt, 4 * n).set(rgba);
    new Uint8Array(k.memory.buffer, alphaAt, n).set(alpha);
    k.maskWeightedBlur(rgbaAt, alphaAt, width, height, boxRadius(input.sigma), planes, scratch, acc, outAt);
    const out = input.out ?? new Uint8ClampedArray(n * 4);
    out.set(new Uint8ClampedArray(k.memory.buffer, outAt, 4 * n));
    return out;
  }
}

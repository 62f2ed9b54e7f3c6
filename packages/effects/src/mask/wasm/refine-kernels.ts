/**
 * The refinement's kernels over a kernels instance's memory (kernel-memory.ts): cpuRefine(), cpu-refiner.ts's
 * CpuRefiner.refine (joint bilateral upsampling, temporal smoothing, the edge curve), and bandRefine(),
 * band-refine.ts's BandRefiner.refine (the guided filter on the outline); and the scratch each takes, which
 * kernel-memory.ts's layout makes room for. Pure: typed arrays and WebAssembly only.
 */
import { BAND_TILE } from '../band-refine.js';
import { type CpuRefineWork, EDGE_LUT } from '../cpu-refiner.js';
import { DEFAULT_TEMPORAL, factorLut } from '../smoothing.js';
import { axisTable as bilateralAxis, FLAT_RANGE, rangeLut, SURE_ENDS } from '../upsample.js';
import type { KernelMemory } from './kernel-memory.js';
import type { KernelExports } from './kernels-module.js';
import { align, scratchTaker } from './memory-layout.js';

/** The scratch bytes cpuRefine() takes for a w x h working picture, an mw x mh mask and radius r. */
export function cpuRefineBytes(w: number, h: number, mw: number, mh: number, r: number): number {
  const taps = 2 * r + 1;
  const m = mw * mh;
  const n = w * h;
  return (
    4 * align(4 * m) +
    align(m) +
    4 * align(4 * n) +
    align(n) +
    align(4 * w) +
    align(4 * w * taps) +
    align(4 * h) +
    align(4 * h * taps) +
    align(4 * rangeLut(30).length) +
    align(4 * (512 + 1024)) +
    align(1024)
  );
}

/** The scratch bytes bandRefine() takes for a W x H working picture and radius r. */
export function bandBytes(k: KernelExports, W: number, H: number, r: number): number {
  const tiles = Math.ceil(W / BAND_TILE) * Math.ceil(H / BAND_TILE);
  return 3 * align(W * H) + align(4 * W * H) + align(256) + align(2 * tiles) + k.bandWorkBytes(W, r);
}

export class RefineKernels {
  constructor(private readonly memory: KernelMemory) {}

  /**
   * cpu-refiner.ts's refinement (CpuRefiner.refine's steps, the same f32 values and bytes): the mask upsampled
   * into `work.refined`, smoothed against `work.previous` when there is one, and the alpha bytes into
   * `work.alpha`. False when this kernel does not take it (too large for its scratch): the caller runs the JS.
   */
  cpuRefine(work: CpuRefineWork): boolean {
    const { mask, maskWidth: mw, maskHeight: mh, guideLow, guideHigh, width: w, height: h } = work;
    const m = mw * mh;
    const n = w * h;
    if (mask.length !== m || guideLow.length !== m * 4 || guideHigh.length !== n * 4)
      throw new RangeError('jointBilateralUpsample: sizes do not match');
    if (work.refined.length !== n || work.alpha.length !== n)
      throw new RangeError('cpuRefine: output sizes do not match');
    const smooth = work.previous !== null && work.previousGuide !== null;
    if (smooth && (work.previous!.length !== n || work.previousGuide!.length !== n * 4))
      throw new RangeError('mask and frame sizes differ');
    const r = Math.max(1, Math.round(work.radius));
    if (!this.memory.layout) this.memory.pictures(w, h);
    if (cpuRefineBytes(w, h, mw, mh, r) > this.memory.scratchCap) return false;
    const lut = rangeLut(30);
    const sx = bilateralAxis(w, mw, r, r);
    const sy = bilateralAxis(h, mh, r, r);
    const factors = factorLut(DEFAULT_TEMPORAL);
    const k = this.memory.exports;
    const buffer = k.memory.buffer;
    const take = scratchTaker(this.memory.scratch);
    const put = <T extends Float32Array | Int32Array | Uint8Array | Uint8ClampedArray>(data: T): number => {
      const at = take(data.byteLength);
      new Uint8Array(buffer, at, data.byteLength).set(
        new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      );
      return at;
    };
    const maskAt = put(mask);
    const lowAt = put(guideLow);
    const highAt = put(guideHigh);
    const lo = take(4 * m);
    const hi = take(4 * m);
    const flat = take(m);
    const outAt = take(4 * n);
    const alphaAt = take(n);
    k.flatNeighbourhoods(maskAt, mw, mh, r, FLAT_RANGE, SURE_ENDS.below, SURE_ENDS.above, lo, hi, flat);
    k.jointBilateral(
      maskAt,
      mw,
      mh,
      lowAt,
      highAt,
      w,
      h,
      r,
      flat,
      put(sx.centre),
      put(sx.weights),
      put(sy.centre),
      put(sy.weights),
      put(lut),
      outAt,
    );
    if (smooth) {
      const previousAt = put(work.previous!);
      const previousGuideAt = put(work.previousGuide!);
      k.smoothMask(outAt, previousAt, highAt, previousGuideAt, n, put(factors), DEFAULT_TEMPORAL.stillFactor);
    }
    k.edgeBytes(outAt, n, put(EDGE_LUT), alphaAt);
    work.refined.set(new Float32Array(buffer, outAt, n));
    work.alpha.set(new Uint8Array(buffer, alphaAt, n));
    return true;
  }

  /**
   * band-refine.ts's filter (BandRefiner.refine after its checks: radius r, eps, the 256-byte edge `curve`) of
   * `alpha` guided by `guide` into `out`; returns the band's pixels, or null when this kernel does not take it
   * (too large for its scratch), and then the caller runs the JS.
   */
  bandRefine(
    alpha: Uint8Array,
    guide: Uint8Array | Uint8ClampedArray,
    W: number,
    H: number,
    r: number,
    eps: number,
    curve: Uint8Array,
    out: Uint8Array,
  ): number | null {
    const n = W * H;
    if (alpha.length !== n || guide.length !== 4 * n || out.length !== n || curve.length !== 256)
      throw new RangeError('bandRefine: sizes do not match');
    if (!this.memory.layout) this.memory.pictures(W, H);
    if (bandBytes(this.memory.exports, W, H, r) > this.memory.scratchCap) return null;
    const k = this.memory.exports;
    const take = scratchTaker(this.memory.scratch);
    const alphaAt = take(n);
    const guideAt = take(4 * n);
    const curveAt = take(256);
    const outAt = take(n);
    const tilesAt = take(2 * Math.ceil(W / BAND_TILE) * Math.ceil(H / BAND_TILE));
    const workAt = take(k.bandWorkBytes(W, r));
    const buffer = k.memory.buffer;
    new Uint8Array(buffer, alphaAt, n).set(alpha);
    new Uint8Array(buffer, guideAt, 4 * n).set(guide);
    new Uint8Array(buffer, curveAt, 256).set(curve);
    const pixels = k.bandRefine(alphaAt, guideAt, W, H, r, eps, curveAt, outAt, tilesAt, workAt);
    out.set(new Uint8Array(buffer, outAt, n));
    return pixels;
  }
}

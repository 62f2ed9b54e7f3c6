/**
 * The resampling kernels over a kernels instance's memory (kernel-memory.ts): yuv.ts's box averages
 * (downsampleI420() of a picture to packed pixels, downsamplePacked() of packed pixels, downsamplePlane() of
 * one plane) and shrinkI420(), yuv.ts's exact halving of a picture at the budget's half-size level.
 * Pure: typed arrays and WebAssembly only.
 */
import { boxTable, type I420, isExactHalf } from '../yuv.js';
import type { KernelMemory } from './kernel-memory.js';
import { align, isPictureIn, scratchTaker } from './memory-layout.js';

export class ResampleKernels {
  constructor(private readonly memory: KernelMemory) {}

  /**
   * yuv.ts's downsampleI420 (the picture box-averaged to outW x outH, packed Y, U, V, 255) into `out`; returns
   * true, or false when this kernel does not take it (a box over 257 rows, or too large for its scratch), and
   * then the caller runs downsampleI420. The picture is read in place when it is this kernel's `pictures()`.
   */
  downsampleI420(src: I420, outW: number, outH: number, out: Uint8ClampedArray): boolean {
    if (out.length !== outW * outH * 4) throw new RangeError('downsampleI420: output size does not match');
    // u16 column sums: a box may span at most 257 rows (as yuv.ts's word path).
    if (Math.ceil(src.height / outH) + 1 > 257 || Math.ceil(src.chromaHeight / outH) + 1 > 257) return false;
    const inPlace = this.memory.holds(src, 'src') || this.memory.holds(src, 'out');
    if (!this.memory.layout && !inPlace) this.memory.pictures(src.width, src.height);
    const tables = 4 * (2 * (outW + 1) + 2 * (outH + 1));
    const need =
      align(out.length) +
      align(tables) +
      align(this.memory.exports.boxScratchBytes(src.width, 1, outW)) +
      (inPlace ? 0 : align(src.data.length));
    if (need > this.memory.scratchCap) return false;
    const k = this.memory.exports;
    const take = scratchTaker(this.memory.scratch);
    const outAt = take(out.length);
    const sums = take(k.boxScratchBytes(src.width, 1, outW));
    const tableAt = take(tables);
    let base = src.data.byteOffset;
    if (!inPlace) {
      base = take(src.data.length);
      new Uint8Array(k.memory.buffer, base, src.data.length).set(src.data);
    }
    const i32 = new Int32Array(k.memory.buffer, tableAt, tables >> 2);
    const xsAt = (plane: number) => tableAt + (plane ? 4 * (outW + 1) : 0);
    const ysAt = (plane: number) => tableAt + 4 * (2 * (outW + 1) + (plane ? outH + 1 : 0));
    i32.set(boxTable(outW, src.width), 0);
    i32.set(boxTable(outW, src.chromaWidth), outW + 1);
    i32.set(boxTable(outH, src.height), 2 * (outW + 1));
    i32.set(boxTable(outH, src.chromaHeight), 2 * (outW + 1) + outH + 1);
    k.fill(outAt + 0, 255, out.length);
    const planes: [Uint8Array, number, number][] = [
      [src.y, src.width, src.height],
      [src.u, src.chromaWidth, src.chromaHeight],
      [src.v, src.chromaWidth, src.chromaHeight],
    ];
    for (let c = 0; c < 3; c++) {
      const [plane, pw, ph] = planes[c]!;
      const offset = base + (plane.byteOffset - src.data.byteOffset);
      k.boxPlane(offset, pw, ph, outAt, outW, outH, c, 4, xsAt(c), ysAt(c), sums, 1, 1);
    }
    out.set(new Uint8ClampedArray(k.memory.buffer, outAt, out.length));
    return true;
  }

  /**
   * yuv.ts's downsamplePacked (packed Y, U, V, A pixels box-averaged, A 255) into `out`; false when this kernel
   * does not take it (a box over 257 rows, or too large for its scratch): the caller runs downsamplePacked.
   */
  downsamplePacked(
    pixels: Uint8ClampedArray,
    width: number,
    height: number,
    outW: number,
    outH: number,
    out: Uint8ClampedArray,
  ): boolean {
    if (pixels.length !== width * height * 4) throw new RangeError('downsamplePacked: size does not match');
    if (out.length !== outW * outH * 4) throw new RangeError('downsamplePacked: output size does not match');
    return this.#box(pixels, width, height, 4, out, outW, outH, 4, 3);
  }

  /** yuv.ts's downsamplePlane (one byte a pixel) into `out`; false as downsamplePacked. */
  downsamplePlane(
    plane: Uint8Array | Uint8ClampedArray,
    pw: number,
    ph: number,
    outW: number,
    outH: number,
    out: Uint8Array,
  ): boolean {
    if (plane.length !== pw * ph) throw new RangeError('downsamplePlane: size does not match');
    if (out.length !== outW * outH) throw new RangeError('downsamplePlane: output size does not match');
    return this.#box(plane, pw, ph, 1, out, outW, outH, 1, 1);
  }

  /** One box average of a picture from elsewhere (copied in; the output copied out). */
  #box(
    input: Uint8Array | Uint8ClampedArray,
    width: number,
    height: number,
    inStep: number,
    out: Uint8Array | Uint8ClampedArray,
    outW: number,
    outH: number,
    step: number,
    channels: number,
  ): boolean {
    if (Math.ceil(height / outH) + 1 > 257) return false;
    if (!this.memory.layout) this.memory.pictures(width, height);
    const tables = 4 * (outW + 1 + outH + 1);
    const sumsBytes = this.memory.exports.boxScratchBytes(width * inStep, inStep, outW);
    const need = align(input.length) + align(out.length) + align(tables) + align(sumsBytes);
    if (need > this.memory.scratchCap) return false;
    const k = this.memory.exports;
    const take = scratchTaker(this.memory.scratch);
    const inAt = take(input.length);
    const outAt = take(out.length);
    const tableAt = take(tables);
    const sums = take(sumsBytes);
    new Uint8Array(k.memory.buffer, inAt, input.length).set(input);
    const i32 = new Int32Array(k.memory.buffer, tableAt, tables >> 2);
    i32.set(boxTable(outW, width), 0);
    i32.set(boxTable(outH, height), outW + 1);
    if (step === 4) k.fill(outAt, 255, out.length);
    k.boxPlane(
      inAt,
      width,
      height,
      outAt,
      outW,
      outH,
      0,
      step,
      tableAt,
      tableAt + 4 * (outW + 1),
      sums,
      inStep,
      channels,
    );
    out.set(new Uint8Array(k.memory.buffer, outAt, out.length));
    return true;
  }

  /**
   * yuv.ts's shrinkI420 (the same bytes) at the budget's half-size level, `out` exactly half of `src` (2x2
   * averages, planes halved alike), both in this kernel's memory (frameArea(), pictures()); false otherwise,
   * and then the caller runs shrinkI420.
   */
  shrinkI420(src: I420, out: I420): boolean {
    const buffer = this.memory.exports.memory.buffer;
    if (!isExactHalf(src, out) || !isPictureIn(src, buffer) || !isPictureIn(out, buffer)) return false;
    const k = this.memory.exports;
    k.halvePlane(src.y.byteOffset, src.width, out.y.byteOffset, out.width, out.height);
    k.halvePlane(src.u.byteOffset, src.chromaWidth, out.u.byteOffset, out.chromaWidth, out.chromaHeight);
    k.halvePlane(src.v.byteOffset, src.chromaWidth, out.v.byteOffset, out.chromaWidth, out.chromaHeight);
    return true;
  }
}

/**
 * The composite kernels over a kernels instance's memory (kernel-memory.ts): composite(), yuv-composite.ts's
 * compositeI420 (blendPlane) over a small background (blur, privacy), a picture (the replacement image) or a
 * colour, and backgroundPicture(), the replacement picture's place in that memory, which composite() reads in
 * place. Pure: typed arrays and WebAssembly only.
 */
import { type I420, i420Bytes, i420View } from '../yuv.js';
import {
  axisTable,
  checkCompositeInput,
  runStarts,
  stepping,
  type YuvCompositeInput,
} from '../yuv-composite.js';
import type { KernelMemory } from './kernel-memory.js';
import { align, scratchTaker } from './memory-layout.js';

export class CompositeKernels {
  constructor(private readonly memory: KernelMemory) {}

  /**
   * Writes the composite into `input.out`, as compositeI420 does, and returns true; false when this kernel does
   * not do this composite (inputs too large for its scratch), and then the caller runs compositeI420.
   */
  composite(input: YuvCompositeInput): boolean {
    checkCompositeInput(input);
    const { src, out, background: bg, alpha } = input;
    if (bg.kind !== 'small') return this.#compositeOver(input);
    const inPlace = this.memory.holds(src, 'src');
    const outInPlace = this.memory.holds(out, 'out');
    const pics = inPlace && outInPlace ? this.memory.layout! : this.memory.pictures(src.width, src.height);
    const aw = alpha ? input.alphaWidth : 0;
    const ah = alpha ? input.alphaHeight : 0;
    const k = this.memory.exports;
    const lumaScratch = k.scratchBytes(src.width, bg.width, aw);
    const tables = 4 * (6 * src.height + aw + 3) + 64;
    const need = align(aw * ah) + align(bg.pixels.length) + 2 * align(tables) + align(lumaScratch);
    if (need > this.memory.scratchCap) return false;
    if (!inPlace) pics.src.data.set(src.data);
    const buffer = k.memory.buffer;
    const take = scratchTaker(this.memory.scratch);
    const alphaAt = alpha ? take(aw * ah) : 0;
    if (alpha) new Uint8Array(buffer, alphaAt, aw * ah).set(alpha);
    const smallAt = take(bg.pixels.length);
    new Uint8Array(buffer, smallAt, bg.pixels.length).set(bg.pixels);
    const scratch = take(lumaScratch);
    const s = pics.src;
    const d = pics.out;
    const planes: [Uint8Array, Uint8Array, number, number][] = [
      [s.y, d.y, s.width, s.height],
      [s.u, d.u, s.chromaWidth, s.chromaHeight],
      [s.v, d.v, s.chromaWidth, s.chromaHeight],
    ];
    let tableAt = -1;
    for (let plane = 0; plane < 3; plane++) {
      const [sp, dp, pw, ph] = planes[plane]!;
      // U and V share their tables (same size).
      if (plane < 2) tableAt = this.#writeTables(take(tables), pw, ph, aw, ah, bg.height);
      const sa = aw ? stepping(pw, aw) : { start: 0, step: 0 };
      const sb = stepping(pw, bg.width);
      const t = (i: number) => tableAt + 4 * ph * i;
      k.compositeSmallPlane(
        sp.byteOffset,
        dp.byteOffset,
        pw,
        ph,
        alphaAt,
        aw,
        smallAt,
        bg.width,
        plane,
        t(0),
        t(1),
        t(2),
        t(3),
        t(4),
        t(5),
        t(6),
        sa.start,
        sa.step,
        sb.start,
        sb.step,
        scratch,
      );
    }
    if (!outInPlace) out.data.set(pics.out.data);
    return true;
  }

  // ---- The composite over a picture or a colour (the replace and remove effects) ----

  /** The replacement picture's place in memory and the layout (pictures()) it belongs to. */
  #background: { layout: { src: I420; out: I420 }; picture: I420 } | null = null;

  /**
   * A picture of this size in the kernels' memory for the replacement background: convert the image straight
   * into it once per image and size, and composite() reads it in place, with no copy per frame. It belongs to
   * the layout of pictures(width, height) (asked for here too: a new size lays the memory out anew, and then
   * the old pictures and this one must not be used again). holdsBackground() says whether it still holds.
   */
  backgroundPicture(width: number, height: number): I420 {
    const layout = this.memory.pictures(width, height);
    const b = this.#background;
    if (b && b.layout === layout && this.holdsBackground(b.picture)) return b.picture;
    const data = new Uint8Array(
      this.memory.exports.memory.buffer,
      this.memory.backgroundAt,
      i420Bytes(width, height),
    );
    this.#background = { layout, picture: i420View(data, width, height) };
    return this.#background.picture;
  }

  /**
   * Whether `p` is backgroundPicture()'s picture and still valid: the memory has not been laid out anew (a new
   * size) nor grown (its views detach) since. When false, convert the image again.
   */
  holdsBackground(p: I420): boolean {
    const b = this.#background;
    return (
      b !== null &&
      b.picture === p &&
      b.layout === this.memory.layout &&
      p.data.buffer === this.memory.exports.memory.buffer &&
      p.data.byteLength > 0
    );
  }

  /**
   * composite() over a picture or a colour: the picture read in place when it is backgroundPicture()'s (else
   * copied into scratch for this call), a colour as one row per plane.
   */
  #compositeOver(input: YuvCompositeInput): boolean {
    const { src, out, background: bg, alpha } = input;
    if (bg.kind === 'small') return false;
    const inPlace = this.memory.holds(src, 'src');
    const outInPlace = this.memory.holds(out, 'out');
    const pics = inPlace && outInPlace ? this.memory.layout! : this.memory.pictures(src.width, src.height);
    const held = bg.kind === 'picture' && this.holdsBackground(bg.picture);
    const aw = alpha ? input.alphaWidth : 0;
    const ah = alpha ? input.alphaHeight : 0;
    const k = this.memory.exports;
    const tables = 4 * (3 * src.height + aw + 3);
    const work = k.pictureScratchBytes(aw);
    const backBytes = bg.kind === 'colour' ? src.width : held ? 0 : i420Bytes(src.width, src.height);
    const need = align(aw * ah) + 2 * align(tables) + align(work) + align(backBytes);
    if (need > this.memory.scratchCap) return false;
    if (!inPlace) pics.src.data.set(src.data);
    const buffer = k.memory.buffer;
    const take = scratchTaker(this.memory.scratch);
    const alphaAt = alpha ? take(aw * ah) : 0;
    if (alpha) new Uint8Array(buffer, alphaAt, aw * ah).set(alpha);
    const scratch = take(work);
    const backAt = take(backBytes);
    /** Where plane `plane` of the background starts, and its row stride (0: a colour's one row). */
    let back: (plane: number, pw: number) => [number, number];
    if (bg.kind === 'colour') {
      back = (plane, pw) => {
        new Uint8Array(buffer, backAt, pw).fill(bg.yuv[plane as 0 | 1 | 2]);
        return [backAt, 0];
      };
    } else {
      const from = bg.picture;
      const picture = held
        ? from
        : i420View(new Uint8Array(buffer, backAt, backBytes), src.width, src.height);
      if (!held) {
        picture.y.set(from.y);
        picture.u.set(from.u);
        picture.v.set(from.v);
      }
      back = (plane, pw) => [[picture.y, picture.u, picture.v][plane]!.byteOffset, pw];
    }
    const s = pics.src;
    const d = pics.out;
    const planes: [Uint8Array, Uint8Array, number, number][] = [
      [s.y, d.y, s.width, s.height],
      [s.u, d.u, s.chromaWidth, s.chromaHeight],
      [s.v, d.v, s.chromaWidth, s.chromaHeight],
    ];
    let tableAt = 0;
    for (let plane = 0; plane < 3; plane++) {
      const [sp, dp, pw, ph] = planes[plane]!;
      // U and V share their tables (same size).
      if (aw && plane < 2) tableAt = this.#writeAlphaTables(take(tables), pw, ph, aw, ah);
      const sa = aw ? stepping(pw, aw) : { start: 0, step: 0 };
      const t = (i: number) => tableAt + 4 * ph * i;
      const [backPlane, backStride] = back(plane, pw);
      k.compositePicturePlane(
        sp.byteOffset,
        dp.byteOffset,
        pw,
        ph,
        alphaAt,
        aw,
        backPlane,
        backStride,
        t(0),
        t(1),
        t(2),
        t(3),
        sa.start,
        sa.step,
        scratch,
      );
    }
    if (!outInPlace) out.data.set(pics.out.data);
    return true;
  }

  /** The alpha's row tables of one plane size at `at` (i32): alpha rows (i0, i1, w), then the runs' first x. */
  #writeAlphaTables(at: number, pw: number, ph: number, aw: number, ah: number): number {
    const i32 = new Int32Array(this.memory.exports.memory.buffer, at, 3 * ph + aw + 3);
    const ay = axisTable(ph, ah);
    i32.set(ay.i0, 0);
    i32.set(ay.i1, ph);
    i32.set(ay.w, 2 * ph);
    i32.set(runStarts(pw, aw), 3 * ph);
    return at;
  }

  // ---- end of the composite over a picture or a colour ----

  /** The row tables of one plane size at `at` (i32): background rows, alpha rows, then the runs' first x. */
  #writeTables(at: number, pw: number, ph: number, aw: number, ah: number, sh: number): number {
    const i32 = new Int32Array(this.memory.exports.memory.buffer, at, 6 * ph + aw + 3);
    const by = axisTable(ph, sh);
    i32.set(by.i0, 0);
    i32.set(by.i1, ph);
    i32.set(by.w, 2 * ph);
    if (aw) {
      const ay = axisTable(ph, ah);
      i32.set(ay.i0, 3 * ph);
      i32.set(ay.i1, 4 * ph);
      i32.set(ay.w, 5 * ph);
      i32.set(runStarts(pw, aw), 6 * ph);
    }
    return at;
  }
}

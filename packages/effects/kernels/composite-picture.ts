/**
 * AssemblyScript source of the YUV composite over a picture (the replacement image, at the output's size) or a
 * colour: mask/yuv-composite.ts's blendPlane for those two kinds, step for step, so its bytes are the same.
 * A colour is a picture whose rows are all one row (`backStride` 0, `back` a row of the colour). The runs are
 * composite.ts's: all person is memory.copy from the camera, all background memory.copy from the picture, and
 * the blend runs only on the outline's band. Raw memory only: every array is a byte offset into the module's
 * memory, laid out by the caller.
 */
import { BACKGROUND, COPY, scanRuns } from './composite';

/**
 * One plane of the composite over a picture plane at `back` (row y at back + y * backStride; pw bytes a row).
 * Tables (i32 arrays, from the caller, as yuv-composite.ts makes them): ayI0/ayI1/ayW (ph entries) sample the
 * alpha's rows, firstX (aw + 3) the first output x of each padded alpha index. alpha = 0: all background.
 * `scratch` holds pictureScratchBytes(aw).
 */
export function compositePicturePlane(
  src: usize,
  dst: usize,
  pw: i32,
  ph: i32,
  alpha: usize,
  aw: i32,
  back: usize,
  backStride: i32,
  ayI0: usize,
  ayI1: usize,
  ayW: usize,
  firstX: usize,
  saStart: i32,
  saStep: i32,
  scratch: usize,
): void {
  if (alpha === 0) {
    for (let y = 0; y < ph; y++)
      memory.copy(dst + <usize>(y * pw), back + <usize>(y * backStride), <usize>pw);
    return;
  }
  const A = scratch;
  const C = A + ((<usize>(aw + 2)) << 2);
  const runs = C + <usize>((aw + 2 + 3) & ~3);
  let lastA0 = -1;
  let lastA1 = -1;
  let lastClass = -1;
  let nRuns = 0;
  for (let y = 0; y < ph; y++) {
    const t = (<usize>y) << 2;
    const srcRow = src + <usize>(y * pw);
    const dstRow = dst + <usize>(y * pw);
    const backRow = back + <usize>(y * backStride);
    const a0 = load<i32>(ayI0 + t) * aw;
    const a1 = load<i32>(ayI1 + t) * aw;
    const wy = load<i32>(ayW + t);
    const iwy = 256 - wy;
    const cls = wy === 0 ? 0 : wy === 256 ? 1 : 2;
    if (a0 !== lastA0 || a1 !== lastA1 || cls !== lastClass) {
      nRuns = scanRuns(alpha, aw, a0, a1, wy, C, runs);
      lastA0 = a0;
      lastA1 = a1;
      lastClass = cls;
    }
    for (let r = 0; r < nRuns; r += 3) {
      const p = runs + ((<usize>r) << 2);
      const i = load<i32>(p);
      const j = load<i32>(p + 4);
      const kind = load<i32>(p + 8);
      const x0 = load<i32>(firstX + ((<usize>i) << 2));
      const x1 = load<i32>(firstX + ((<usize>(j + 1)) << 2));
      if (x1 <= x0) continue;
      if (kind === COPY) {
        memory.copy(dstRow + <usize>x0, srcRow + <usize>x0, <usize>(x1 - x0));
        continue;
      }
      if (kind === BACKGROUND) {
        memory.copy(dstRow + <usize>x0, backRow + <usize>x0, <usize>(x1 - x0));
        continue;
      }
      // The edge band: the padded alpha row A[i..j+1] (8.8), then the blend.
      for (let k = i; k <= j + 1; k++) {
        const c = k === 0 ? 0 : k > aw ? aw - 1 : k - 1;
        store<i32>(
          A + ((<usize>k) << 2),
          <i32>load<u8>(alpha + <usize>(a0 + c)) * iwy + <i32>load<u8>(alpha + <usize>(a1 + c)) * wy,
        );
      }
      let fa = saStart + x0 * saStep;
      for (let x = x0; x < x1; x++, fa += saStep) {
        const k = fa >> 16;
        const w = (fa >> 8) & 255;
        const q = A + ((<usize>k) << 2);
        const a = (load<i32>(q) * (256 - w) + load<i32>(q + 4) * w + 32768) >> 16;
        const s = <i32>load<u8>(srcRow + <usize>x);
        const b = <i32>load<u8>(backRow + <usize>x);
        store<u8>(dstRow + <usize>x, b + (((s - b) * a * 257 + 32768) >> 16));
      }
    }
  }
}

/** Bytes of scratch compositePicturePlane needs for an alpha width (the padded alpha row, classes, runs). */
export function pictureScratchBytes(aw: i32): i32 {
  return 4 * (aw + 2) + ((aw + 2 + 3) & ~3) + 12 * (aw + 2) + 64;
}

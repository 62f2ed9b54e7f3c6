/**
 * mask/rgb-i420.ts with the same bytes, for Firefox's camera frames (RGBX/BGRX) and its frames pipeline (RGBA
 * out): packedRgbToI420 two chroma blocks a step and i420ToRgba two pixels a step, in f64x2, each lane the JS's
 * f64 operations in its order (no fused operations in wasm). Stores as the JS's typed arrays store: I420 planes
 * are a Uint8Array (truncated), RGBA a Uint8ClampedArray (rounded half to even, clamped: colour.ts's helpers).
 */

import { bytes, clampByte } from './colour';

/** The low two i32 lanes of `v` to f64x2 (values are bytes, so signed or not is the same). */
function f64s(v: v128): v128 {
  return f64x2.convert_low_i32x4_s(v);
}

/** A swizzle that puts bytes `a` and `b` (zero-extended) in i32 lanes 0 and 1 (index -1 gives 0). */
function pair(a: i32, b: i32): v128 {
  return i8x16.replace_lane(i8x16.replace_lane(i8x16.splat(-1), 0, <i8>a), 4, <i8>b);
}

function pick(v: v128, m: v128): v128 {
  return i8x16.swizzle(v, m);
}

/**
 * Packed 4-byte pixels (rows `stride` bytes apart; red at byte `ri`, blue at `2 - ri`) into the Y, U and V
 * planes of a w x h I420 picture (chroma cw = ceil(w / 2) wide). The constants are rgb-i420.ts's.
 */
export function rgbToI420(
  src: usize,
  stride: i32,
  ri: i32,
  w: i32,
  h: i32,
  Y: usize,
  U: usize,
  V: usize,
  kr: f64,
  kg: f64,
  kb: f64,
  ly: f64,
  y0: f64,
  ub: f64,
  vr: f64,
): void {
  const cw = (w + 1) >> 1;
  const ch = (h + 1) >> 1;
  const bi = 2 - ri;
  const kr2 = f64x2.splat(kr);
  const kg2 = f64x2.splat(kg);
  const kb2 = f64x2.splat(kb);
  const ly2 = f64x2.splat(ly);
  const y02 = f64x2.splat(y0);
  const ub2 = f64x2.splat(ub);
  const vr2 = f64x2.splat(vr);
  const k4 = f64x2.splat(4);
  const c1285 = f64x2.splat(128.5);
  const zero = f64x2.splat(0);
  const k255 = f64x2.splat(255);
  // Byte indices of red, green and blue of the even (0, 2) and odd (1, 3) pixels of four.
  const rE = pair(ri, 8 + ri);
  const rO = pair(4 + ri, 12 + ri);
  const gE = pair(1, 9);
  const gO = pair(5, 13);
  const bE = pair(bi, 8 + bi);
  const bO = pair(4 + bi, 12 + bi);
  for (let cy = 0; cy < ch; cy++) {
    const ya = 2 * cy;
    const full = ya + 1 < h;
    let cx = 0;
    if (full) {
      // Two whole 2x2 blocks a step: lanes are the blocks, each lane adds its block's four pixels in the
      // JS's order (row a left, row a right, row b left, row b right).
      for (; 2 * cx + 4 <= w; cx += 2) {
        const xa = 2 * cx;
        let su = zero;
        let sv = zero;
        for (let r = 0; r < 2; r++) {
          const y = ya + r;
          const v = v128.load(src + <usize>(y * stride + xa * 4));
          const lE = f64x2.add(
            f64x2.add(f64x2.mul(kr2, f64s(pick(v, rE))), f64x2.mul(kg2, f64s(pick(v, gE)))),
            f64x2.mul(kb2, f64s(pick(v, bE))),
          );
          const lO = f64x2.add(
            f64x2.add(f64x2.mul(kr2, f64s(pick(v, rO))), f64x2.mul(kg2, f64s(pick(v, gO)))),
            f64x2.mul(kb2, f64s(pick(v, bO))),
          );
          // Luma (0.5 .. 255.5 by construction) truncated as a Uint8Array store does.
          const yE = i32x4.trunc_sat_f64x2_s_zero(f64x2.add(y02, f64x2.mul(lE, ly2)));
          const yO = i32x4.trunc_sat_f64x2_s_zero(f64x2.add(y02, f64x2.mul(lO, ly2)));
          // Pixels xa .. xa + 3 are E0 O0 E1 O1.
          v128.store32_lane(
            Y + <usize>(y * w + xa),
            i8x16.shuffle(yE, yO, 0, 16, 4, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
            0,
          );
          su = f64x2.add(f64x2.add(su, f64x2.sub(f64s(pick(v, bE)), lE)), f64x2.sub(f64s(pick(v, bO)), lO));
          sv = f64x2.add(f64x2.add(sv, f64x2.sub(f64s(pick(v, rE)), lE)), f64x2.sub(f64s(pick(v, rO)), lO));
        }
        const u = f64x2.add(c1285, f64x2.div(f64x2.mul(su, ub2), k4));
        const vv = f64x2.add(c1285, f64x2.div(f64x2.mul(sv, vr2), k4));
        // u < 0 ? 0 : min(u, 255), then truncated.
        const uq = i32x4.trunc_sat_f64x2_s_zero(f64x2.pmin(k255, f64x2.pmax(zero, u)));
        const vq = i32x4.trunc_sat_f64x2_s_zero(f64x2.pmin(k255, f64x2.pmax(zero, vv)));
        const i = cy * cw + cx;
        store<u8>(U + <usize>i, <u8>i32x4.extract_lane(uq, 0));
        store<u8>(U + <usize>(i + 1), <u8>i32x4.extract_lane(uq, 1));
        store<u8>(V + <usize>i, <u8>i32x4.extract_lane(vq, 0));
        store<u8>(V + <usize>(i + 1), <u8>i32x4.extract_lane(vq, 1));
      }
    }
    // The rest of the row of blocks (an odd last row, the last one or two blocks) as the JS does it.
    for (; cx < cw; cx++) block(src, stride, ri, bi, w, h, cw, cx, cy, Y, U, V, kr, kg, kb, ly, y0, ub, vr);
  }
}

/** One 2x2 block (fewer pixels at an odd edge), rgb-i420.ts's loop body, scalar. */
function block(
  src: usize,
  stride: i32,
  ri: i32,
  bi: i32,
  w: i32,
  h: i32,
  cw: i32,
  cx: i32,
  cy: i32,
  Y: usize,
  U: usize,
  V: usize,
  kr: f64,
  kg: f64,
  kb: f64,
  ly: f64,
  y0: f64,
  ub: f64,
  vr: f64,
): void {
  const ya = 2 * cy;
  const rows = ya + 1 < h ? 2 : 1;
  const xa = 2 * cx;
  const cols = xa + 1 < w ? 2 : 1;
  let su: f64 = 0;
  let sv: f64 = 0;
  for (let r = 0; r < rows; r++) {
    const y = ya + r;
    let p = src + <usize>(y * stride + xa * 4);
    let o = Y + <usize>(y * w + xa);
    for (let k = 0; k < cols; k++, p += 4, o++) {
      const red = <f64>load<u8>(p + <usize>ri);
      const blue = <f64>load<u8>(p + <usize>bi);
      const l = kr * red + kg * <f64>load<u8>(p + 1) + kb * blue;
      store<u8>(o, <u8>(<i32>(y0 + l * ly)));
      su += blue - l;
      sv += red - l;
    }
  }
  const n = <f64>(rows * cols);
  const u = 128.5 + (su * ub) / n;
  const v = 128.5 + (sv * vr) / n;
  const i = <usize>(cy * cw + cx);
  store<u8>(U + i, <u8>(<i32>(u < 0 ? 0 : min(u, 255))));
  store<u8>(V + i, <u8>(<i32>(v < 0 ? 0 : min(v, 255))));
}

/**
 * A w x h I420 picture (chroma cw wide) to RGBA bytes (A 255) at `out`, each chroma sample shared by its 2x2
 * block; the constants are yuv.ts's yuvToRgbFactors.
 */
export function i420ToRgba(
  Y: usize,
  U: usize,
  V: usize,
  w: i32,
  h: i32,
  out: usize,
  ys: f64,
  y0: f64,
  rv: f64,
  bu: f64,
  gu: f64,
  gv: f64,
): void {
  const cw = (w + 1) >> 1;
  const lo = f64x2.splat(0);
  const hi = f64x2.splat(255);
  const ys2 = f64x2.splat(ys);
  const y02 = f64x2.splat(y0);
  const rv2 = f64x2.splat(rv);
  const bu2 = f64x2.splat(bu);
  const gu2 = f64x2.splat(gu);
  const gv2 = f64x2.splat(gv);
  const opaque = i32x4.splat(255);
  for (let y = 0; y < h; y++) {
    const crow = (y >> 1) * cw;
    const yrow = Y + <usize>(y * w);
    const orow = out + <usize>(y * w * 4);
    let x = 0;
    // Two pixels a step, the pair that shares one chroma sample.
    for (; x + 2 <= w; x += 2) {
      const ci = <usize>(crow + (x >> 1));
      const u = f64x2.splat(<f64>load<u8>(U + ci) - 128);
      const v = f64x2.splat(<f64>load<u8>(V + ci) - 128);
      const yy = f64x2.convert_low_i32x4_u(
        i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load16_splat(yrow + <usize>x))),
      );
      const l = f64x2.mul(f64x2.sub(yy, y02), ys2);
      const r = bytes(f64x2.add(l, f64x2.mul(rv2, v)), lo, hi);
      const g = bytes(f64x2.sub(f64x2.sub(l, f64x2.mul(gu2, u)), f64x2.mul(gv2, v)), lo, hi);
      const b = bytes(f64x2.add(l, f64x2.mul(bu2, u)), lo, hi);
      // R0 G0 B0 255 R1 G1 B1 255 from the low bytes of the lanes.
      const rg = i8x16.shuffle(r, g, 0, 16, 4, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
      const ba = i8x16.shuffle(b, opaque, 0, 16, 4, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
      v128.store64_lane(
        orow + <usize>(x * 4),
        i8x16.shuffle(rg, ba, 0, 1, 16, 17, 2, 3, 18, 19, 0, 0, 0, 0, 0, 0, 0, 0),
        0,
      );
    }
    for (; x < w; x++) {
      const ci = <usize>(crow + (x >> 1));
      const u = <f64>load<u8>(U + ci) - 128;
      const v = <f64>load<u8>(V + ci) - 128;
      const l = (<f64>load<u8>(yrow + <usize>x) - y0) * ys;
      const p = orow + <usize>(x * 4);
      store<u8>(p, clampByte(l + rv * v));
      store<u8>(p + 1, clampByte(l - gu * u - gv * v));
      store<u8>(p + 2, clampByte(l + bu * u));
      store<u8>(p + 3, 255);
    }
  }
}

/**
 * mask/yuv.ts's packedYuvToRgba with the same bytes: packed Y, U, V, A pixels to R, G, B, A in place, two
 * pixels a step in f64x2 (the JS's f64 arithmetic, lane by lane), stored as a Uint8ClampedArray stores:
 * rounded half to even, clamped to 0..255. A is left as it is.
 */

/** f64x2 to two clamped, rounded bytes in lanes 0 and 1 of an i32x4. */
export function bytes(v: v128, lo: v128, hi: v128): v128 {
  return i32x4.trunc_sat_f64x2_s_zero(f64x2.pmin(hi, f64x2.pmax(lo, f64x2.nearest(v))));
}

export function packedYuvToRgba(
  pixels: usize,
  n: i32,
  ys: f64,
  y0: f64,
  rv: f64,
  bu: f64,
  gu: f64,
  gv: f64,
): void {
  const lo = f64x2.splat(0);
  const hi = f64x2.splat(255);
  const ys2 = f64x2.splat(ys);
  const y02 = f64x2.splat(y0);
  const rv2 = f64x2.splat(rv);
  const bu2 = f64x2.splat(bu);
  const gu2 = f64x2.splat(gu);
  const gv2 = f64x2.splat(gv);
  const k128 = f64x2.splat(128);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const p = pixels + ((<usize>i) << 2);
    const v = v128.load64_zero(p);
    const w = i16x8.extend_low_i8x16_u(v);
    const a = i32x4.extend_low_i16x8_u(w);
    const b = i32x4.extend_high_i16x8_u(w);
    // (Y0, Y1), (U0, U1), (V0, V1) in the low two i32 lanes, then to f64x2.
    const y = f64x2.convert_low_i32x4_s(
      i8x16.shuffle(a, b, 0, 1, 2, 3, 16, 17, 18, 19, 0, 1, 2, 3, 0, 1, 2, 3),
    );
    const u0 = f64x2.convert_low_i32x4_s(
      i8x16.shuffle(a, b, 4, 5, 6, 7, 20, 21, 22, 23, 0, 1, 2, 3, 0, 1, 2, 3),
    );
    const v0 = f64x2.convert_low_i32x4_s(
      i8x16.shuffle(a, b, 8, 9, 10, 11, 24, 25, 26, 27, 0, 1, 2, 3, 0, 1, 2, 3),
    );
    const l = f64x2.mul(f64x2.sub(y, y02), ys2);
    const u = f64x2.sub(u0, k128);
    const vv = f64x2.sub(v0, k128);
    const r = bytes(f64x2.add(l, f64x2.mul(rv2, vv)), lo, hi);
    const g = bytes(f64x2.sub(f64x2.sub(l, f64x2.mul(gu2, u)), f64x2.mul(gv2, vv)), lo, hi);
    const bl = bytes(f64x2.add(l, f64x2.mul(bu2, u)), lo, hi);
    // (R0, R1, G0, G1) and (B0, B1, A0, A1) to R0 G0 B0 A0 R1 G1 B1 A1.
    const rg = i8x16.shuffle(r, g, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23);
    const ba = i8x16.shuffle(
      bl,
      i8x16.shuffle(a, b, 12, 13, 14, 15, 28, 29, 30, 31, 0, 0, 0, 0, 0, 0, 0, 0),
      0,
      1,
      2,
      3,
      4,
      5,
      6,
      7,
      16,
      17,
      18,
      19,
      20,
      21,
      22,
      23,
    );
    const out = i8x16.shuffle(rg, ba, 0, 8, 16, 24, 4, 12, 20, 28, 0, 0, 0, 0, 0, 0, 0, 0);
    v128.store64_lane(p, out, 0);
  }
  for (; i < n; i++) {
    const p = pixels + ((<usize>i) << 2);
    const l = (<f64>load<u8>(p) - y0) * ys;
    const u = <f64>load<u8>(p + 1) - 128;
    const v = <f64>load<u8>(p + 2) - 128;
    store<u8>(p, clampByte(l + rv * v));
    store<u8>(p + 1, clampByte(l - gu * u - gv * v));
    store<u8>(p + 2, clampByte(l + bu * u));
  }
}

/** A Uint8ClampedArray store of v: clamped to 0..255, NaN 0, rounded half to even. */
export function clampByte(v: f64): i32 {
  if (!(v > 0)) return 0;
  if (v >= 255) return 255;
  return <i32>nearest(v);
}

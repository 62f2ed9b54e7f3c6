/**
 * mask/blur.ts's maskWeightedBlur with the same bytes: the four planes (background-weighted Y/R, U/G, V/B and
 * the weight) interleaved, one pixel's four values in two f64x2 lanes pairs, so each running sum does in one
 * pass what the JS does in four, with the JS's exact arithmetic (f64 sums, f32 storage).
 */

/** Pixel i's four f32 values at `at` promoted to two f64x2: (0, 1) and (2, 3). */
function low(at: usize): v128 {
  return f64x2.promote_low_f32x4(v128.load64_zero(at));
}
function high(at: usize): v128 {
  return f64x2.promote_low_f32x4(v128.load64_zero(at + 8));
}
function put(at: usize, a: v128, b: v128): void {
  v128.store64_lane(at, f32x4.demote_f64x2_zero(a), 0);
  v128.store64_lane(at + 8, f32x4.demote_f64x2_zero(b), 0);
}

/** One running-sum box pass along each row (blur.ts boxPassRows), four interleaved planes. */
function passRows(src: usize, dst: usize, width: i32, height: i32, r: i32, norm: v128): void {
  const last = width - 1;
  for (let y = 0; y < height; y++) {
    const base = src + ((<usize>(y * width)) << 4);
    const out = dst + ((<usize>(y * width)) << 4);
    let a0 = f64x2.splat(0);
    let a1 = f64x2.splat(0);
    for (let k = -r; k <= r; k++) {
      const at = base + ((<usize>min(last, max(0, k))) << 4);
      a0 = f64x2.add(a0, low(at));
      a1 = f64x2.add(a1, high(at));
    }
    for (let p = 0; p < width; p++) {
      put(out + ((<usize>p) << 4), f64x2.mul(a0, norm), f64x2.mul(a1, norm));
      const add = base + ((<usize>min(last, p + r + 1)) << 4);
      const sub = base + ((<usize>max(0, p - r)) << 4);
      a0 = f64x2.add(a0, f64x2.sub(low(add), low(sub)));
      a1 = f64x2.add(a1, f64x2.sub(high(add), high(sub)));
    }
  }
}

/** The same pass down the columns, row by row (blur.ts boxPassColumns); acc: 2 f64x2 per column. */
function passColumns(src: usize, dst: usize, width: i32, height: i32, r: i32, norm: v128, acc: usize): void {
  const last = height - 1;
  const rowBytes = (<usize>width) << 4;
  memory.fill(acc, 0, (<usize>width) << 5);
  for (let k = -r; k <= r; k++) {
    const row = src + <usize>min(last, max(0, k)) * rowBytes;
    for (let x = 0; x < width; x++) {
      const a = acc + ((<usize>x) << 5);
      const s = row + ((<usize>x) << 4);
      v128.store(a, f64x2.add(v128.load(a), low(s)));
      v128.store(a + 16, f64x2.add(v128.load(a + 16), high(s)));
    }
  }
  for (let p = 0; p < height; p++) {
    const out = dst + <usize>p * rowBytes;
    const add = src + <usize>min(last, p + r + 1) * rowBytes;
    const sub = src + <usize>max(0, p - r) * rowBytes;
    for (let x = 0; x < width; x++) {
      const a = acc + ((<usize>x) << 5);
      const o = (<usize>x) << 4;
      const a0 = v128.load(a);
      const a1 = v128.load(a + 16);
      put(out + o, f64x2.mul(a0, norm), f64x2.mul(a1, norm));
      v128.store(a, f64x2.add(a0, f64x2.sub(low(add + o), low(sub + o))));
      v128.store(a + 16, f64x2.add(a1, f64x2.sub(high(add + o), high(sub + o))));
    }
  }
}

/** A Uint8ClampedArray store of v: clamped to 0..255, NaN 0, rounded half to even. */
function clampByte(v: f64): i32 {
  if (!(v > 0)) return 0;
  if (v >= 255) return 255;
  return <i32>nearest(v);
}

/**
 * maskWeightedBlur of width x height packed pixels at `rgba` with person alpha at `alpha`, box radius r, into
 * `out` (4 bytes a pixel). `planes` and `scratch` hold 16 bytes a pixel each, `acc` 32 bytes a column.
 */
export function maskWeightedBlur(
  rgba: usize,
  alpha: usize,
  width: i32,
  height: i32,
  r: i32,
  planes: usize,
  scratch: usize,
  acc: usize,
  out: usize,
): void {
  const n = width * height;
  for (let i = 0; i < n; i++) {
    const w = 1 - <f64>load<u8>(alpha + <usize>i) / 255;
    const p = rgba + ((<usize>i) << 2);
    const q = planes + ((<usize>i) << 4);
    store<f32>(q, <f32>(<f64>load<u8>(p) * w));
    store<f32>(q + 4, <f32>(<f64>load<u8>(p + 1) * w));
    store<f32>(q + 8, <f32>(<f64>load<u8>(p + 2) * w));
    store<f32>(q + 12, <f32>w);
  }
  if (r > 0) {
    const norm = f64x2.splat(1 / <f64>(2 * r + 1));
    for (let pass = 0; pass < 3; pass++) {
      passRows(planes, scratch, width, height, r, norm);
      passColumns(scratch, planes, width, height, r, norm, acc);
    }
  }
  for (let i = 0; i < n; i++) {
    const q = planes + ((<usize>i) << 4);
    const p = rgba + ((<usize>i) << 2);
    const o = out + ((<usize>i) << 2);
    const w = <f64>load<f32>(q + 12);
    if (w > 0.02) {
      store<u8>(o, clampByte(<f64>load<f32>(q) / w));
      store<u8>(o + 1, clampByte(<f64>load<f32>(q + 4) / w));
      store<u8>(o + 2, clampByte(<f64>load<f32>(q + 8) / w));
    } else {
      store<u8>(o, load<u8>(p));
      store<u8>(o + 1, load<u8>(p + 1));
      store<u8>(o + 2, load<u8>(p + 2));
    }
    store<u8>(o + 3, 255);
  }
}

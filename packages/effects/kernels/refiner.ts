/**
 * mask/cpu-refiner.ts's CpuRefiner.refine with the same bytes: flatNeighbourhoods and jointBilateralUpsample
 * (upsample.ts), smoothMaskInPlace (smoothing.ts) and the EDGE_LUT pass. The JS computes in f64 from f32 loads
 * and stores to Float32Array; so do these, in the JS's order. The tables (exp) come from the JS.
 */

/**
 * upsample.ts flatNeighbourhoods: 1 at `flat` where the mask's (2r+1)^2 neighbourhood spans less than `range`,
 * or lies all at most `below` or all at least `above`. lo and hi: scratch, 4 bytes a mask pixel each.
 */
export function flatNeighbourhoods(
  mask: usize,
  mw: i32,
  mh: i32,
  r: i32,
  range: f64,
  below: f64,
  above: f64,
  lo: usize,
  hi: usize,
  flat: usize,
): void {
  // Along rows: each window's minimum and maximum (as the JS: from 1 and 0, `v < a` and `v > b`).
  for (let y = 0; y < mh; y++) {
    const row = (<usize>(y * mw)) << 2;
    let x = 0;
    // Interior pixels four at a time: pmin(a, v) is `v < a ? v : a`, pmax(b, v) is `b < v ? v : b`.
    for (; x < min(r, mw); x++)
      rowWindow(mask + row, lo + row, hi + row, x, max(0, x - r), min(mw - 1, x + r));
    for (; x + 3 + r < mw; x += 4) {
      let a = f32x4.splat(1);
      let b = f32x4.splat(0);
      for (let i = x - r; i <= x + r; i++) {
        const v = v128.load(mask + row + ((<usize>i) << 2));
        a = f32x4.pmin(a, v);
        b = f32x4.pmax(b, v);
      }
      v128.store(lo + row + ((<usize>x) << 2), a);
      v128.store(hi + row + ((<usize>x) << 2), b);
    }
    for (; x < mw; x++) rowWindow(mask + row, lo + row, hi + row, x, max(0, x - r), min(mw - 1, x + r));
  }
  // Down the columns, four columns at a time where they fit.
  const stride = (<usize>mw) << 2;
  for (let y = 0; y < mh; y++) {
    const j0 = <usize>max(0, y - r) * stride;
    const j1 = <usize>min(mh - 1, y + r) * stride;
    const row = <usize>(y * mw);
    let x = 0;
    for (; x + 4 <= mw; x += 4) {
      const c = (<usize>x) << 2;
      let a = f32x4.splat(1);
      let b = f32x4.splat(0);
      for (let j = j0 + c; j <= j1 + c; j += stride) {
        a = f32x4.pmin(a, v128.load(lo + j));
        b = f32x4.pmax(b, v128.load(hi + j));
      }
      // The test in f64, as the JS (b - a of f32 values, in f64).
      const at = flat + row + <usize>x;
      store<u8>(at, isFlat(f32x4.extract_lane(a, 0), f32x4.extract_lane(b, 0), range, below, above));
      store<u8>(at + 1, isFlat(f32x4.extract_lane(a, 1), f32x4.extract_lane(b, 1), range, below, above));
      store<u8>(at + 2, isFlat(f32x4.extract_lane(a, 2), f32x4.extract_lane(b, 2), range, below, above));
      store<u8>(at + 3, isFlat(f32x4.extract_lane(a, 3), f32x4.extract_lane(b, 3), range, below, above));
    }
    for (; x < mw; x++) {
      const c = (<usize>x) << 2;
      let fa: f32 = 1;
      let fb: f32 = 0;
      for (let j = j0 + c; j <= j1 + c; j += stride) {
        const l = load<f32>(lo + j);
        const h = load<f32>(hi + j);
        if (l < fa) fa = l;
        if (h > fb) fb = h;
      }
      store<u8>(flat + row + <usize>x, isFlat(fa, fb, range, below, above));
    }
  }
}

function isFlat(fa: f32, fb: f32, range: f64, below: f64, above: f64): u8 {
  const a = <f64>fa;
  const b = <f64>fb;
  return b - a < range || b <= below || a >= above ? 1 : 0;
}

function rowWindow(mask: usize, lo: usize, hi: usize, x: i32, from: i32, to: i32): void {
  let a: f32 = 1;
  let b: f32 = 0;
  for (let i = from; i <= to; i++) {
    const v = load<f32>(mask + ((<usize>i) << 2));
    if (v < a) a = v;
    if (v > b) b = v;
  }
  store<f32>(lo + ((<usize>x) << 2), a);
  store<f32>(hi + ((<usize>x) << 2), b);
}

/**
 * upsample.ts jointBilateralUpsample after its checks and tables: the w x h f32 output at `out` from the mw x mh
 * f32 mask, the RGBA guides, `flat` (flatNeighbourhoods), the axis tables (i32 centres, f32 weights, 2r + 1 a
 * coordinate) and the f32 range table `lut` (indexed by the squared RGB distance >> 6).
 */
export function jointBilateral(
  mask: usize,
  mw: i32,
  mh: i32,
  guideLow: usize,
  guideHigh: usize,
  w: i32,
  h: i32,
  r: i32,
  flat: usize,
  xCentre: usize,
  xWeights: usize,
  yCentre: usize,
  yWeights: usize,
  lut: usize,
  out: usize,
): void {
  const taps = 2 * r + 1;
  for (let y = 0; y < h; y++) {
    const cy = load<i32>(yCentre + ((<usize>y) << 2));
    const flatRow = flat + <usize>(cy * mw);
    const maskRow = mask + ((<usize>(cy * mw)) << 2);
    const o = out + ((<usize>(y * w)) << 2);
    const wyRow = yWeights + ((<usize>(y * taps + r)) << 2);
    for (let x = 0; x < w; x++) {
      const cx = load<i32>(xCentre + ((<usize>x) << 2));
      if (load<u8>(flatRow + <usize>cx)) {
        store<f32>(o + ((<usize>x) << 2), load<f32>(maskRow + ((<usize>cx) << 2)));
        continue;
      }
      const g = guideHigh + ((<usize>(y * w + x)) << 2);
      const red = <i32>load<u8>(g);
      const green = <i32>load<u8>(g + 1);
      const blue = <i32>load<u8>(g + 2);
      const wxRow = xWeights + ((<usize>(x * taps + r)) << 2);
      let sum: f64 = 0;
      let wsum: f64 = 0;
      if (cy >= r && cy + r < mh && cx >= r && cx + r < mw) {
        // Every tap inside the mask: the same taps in the same order, without the bounds tests.
        let li = (cy - r) * mw + cx - r;
        for (let j = -r; j <= r; j++, li += mw) {
          const wy = <f64>load<f32>(wyRow + ((<usize>j) << 2));
          let p = guideLow + ((<usize>li) << 2);
          let m = mask + ((<usize>li) << 2);
          let wx = wxRow - ((<usize>r) << 2);
          for (let i = -r; i <= r; i++, p += 4, m += 4, wx += 4) {
            const dr = <i32>load<u8>(p) - red;
            const dg = <i32>load<u8>(p + 1) - green;
            const db = <i32>load<u8>(p + 2) - blue;
            const wt =
              wy *
              <f64>load<f32>(wx) *
              <f64>load<f32>(lut + ((<usize>((dr * dr + dg * dg + db * db) >> 6)) << 2));
            sum += wt * <f64>load<f32>(m);
            wsum += wt;
          }
        }
      } else {
        for (let j = -r; j <= r; j++) {
          const ly = cy + j;
          if (ly < 0 || ly >= mh) continue;
          const wy = <f64>load<f32>(wyRow + ((<usize>j) << 2));
          for (let i = -r; i <= r; i++) {
            const lx = cx + i;
            if (lx < 0 || lx >= mw) continue;
            const li = ly * mw + lx;
            const p = guideLow + ((<usize>li) << 2);
            const dr = <i32>load<u8>(p) - red;
            const dg = <i32>load<u8>(p + 1) - green;
            const db = <i32>load<u8>(p + 2) - blue;
            const wt =
              wy *
              <f64>load<f32>(wxRow + ((<usize>i) << 2)) *
              <f64>load<f32>(lut + ((<usize>((dr * dr + dg * dg + db * db) >> 6)) << 2));
            sum += wt * <f64>load<f32>(mask + ((<usize>li) << 2));
            wsum += wt;
          }
        }
      }
      store<f32>(
        o + ((<usize>x) << 2),
        <f32>(wsum > 1e-12 ? sum / wsum : <f64>load<f32>(maskRow + ((<usize>cx) << 2))),
      );
    }
  }
}

/**
 * smoothing.ts smoothMaskInPlace (both histories present): `current` (n f32) smoothed in place against
 * `previous`, the luma difference from the RGBA `frame` and `previousFrame`; `lut` is its f32 factor table
 * (512 + 1024 entries).
 */
export function smoothMask(
  current: usize,
  previous: usize,
  frame: usize,
  previousFrame: usize,
  n: i32,
  lut: usize,
  stillFactor: f64,
): void {
  const rest = 1 - stillFactor;
  // Four pixels a step: the luma differences in i32x4, the f64 work in two f64x2 (pixels 0, 1 and 2, 3), the
  // table reads one by one.
  const still2 = f64x2.splat(stillFactor);
  const rest2 = f64x2.splat(rest);
  const k255 = f64x2.splat(255);
  const k1023 = f64x2.splat(1023);
  const weights = i16x8.replace_lane(i16x8.replace_lane(i16x8.splat(0), 0, 77), 1, 150);
  const lumaW = i16x8.replace_lane(
    i16x8.replace_lane(i16x8.replace_lane(i16x8.replace_lane(weights, 2, 29), 4, 77), 5, 150),
    6,
    29,
  );
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = (<usize>i) << 2;
    const f = v128.load(frame + o);
    const q = v128.load(previousFrame + o);
    // (R, G, B, A) differences of two pixels in i16, times (77, 150, 29, 0), summed in pairs, then per pixel.
    const lo = i32x4.dot_i16x8_s(i16x8.sub(i16x8.extend_low_i8x16_u(f), i16x8.extend_low_i8x16_u(q)), lumaW);
    const hi = i32x4.dot_i16x8_s(
      i16x8.sub(i16x8.extend_high_i8x16_u(f), i16x8.extend_high_i8x16_u(q)),
      lumaW,
    );
    // (p0 rg, p0 b, p1 rg, p1 b) + shuffled: lanes 0 and 2 hold each pixel's sum; >> 8 as the JS.
    const sumLo = i32x4.add(lo, i8x16.shuffle(lo, lo, 4, 5, 6, 7, 0, 1, 2, 3, 12, 13, 14, 15, 8, 9, 10, 11));
    const sumHi = i32x4.add(hi, i8x16.shuffle(hi, hi, 4, 5, 6, 7, 0, 1, 2, 3, 12, 13, 14, 15, 8, 9, 10, 11));
    const d = i32x4.abs(
      i32x4.shr_s(i8x16.shuffle(sumLo, sumHi, 0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27), 8),
    );
    const pv = v128.load(previous + o);
    const cv = v128.load(current + o);
    const p01 = f64x2.promote_low_f32x4(pv);
    const p23 = f64x2.promote_low_f32x4(
      i8x16.shuffle(pv, pv, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7),
    );
    const c01 = f64x2.promote_low_f32x4(cv);
    const c23 = f64x2.promote_low_f32x4(
      i8x16.shuffle(cv, cv, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7),
    );
    const cp01 = f64x2.sub(c01, p01);
    const cp23 = f64x2.sub(c23, p23);
    // |c - p| * 255 truncated (NaN 0, as `| 0`), at most 255; c * 1023 truncated, clamped to 0..1023 (c <= 0
    // gives 0, c >= 1 1023, NaN 0, as the JS's conditionals).
    const change = i32x4.min_s(
      i8x16.shuffle(
        i32x4.trunc_sat_f64x2_s_zero(f64x2.mul(f64x2.abs(cp01), k255)),
        i32x4.trunc_sat_f64x2_s_zero(f64x2.mul(f64x2.abs(cp23), k255)),
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
      ),
      i32x4.splat(255),
    );
    const at = i32x4.max_s(
      i32x4.min_s(
        i8x16.shuffle(
          i32x4.trunc_sat_f64x2_s_zero(f64x2.mul(c01, k1023)),
          i32x4.trunc_sat_f64x2_s_zero(f64x2.mul(c23, k1023)),
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
        ),
        i32x4.splat(1023),
      ),
      i32x4.splat(0),
    );
    const m01 = f64x2.max(f64x2.max(pair(lut, d, 0, 0), pair(lut, change, 1, 0)), pair(lut, at, 2, 0));
    const m23 = f64x2.max(f64x2.max(pair(lut, d, 0, 1), pair(lut, change, 1, 1)), pair(lut, at, 2, 1));
    const k01 = f64x2.add(still2, f64x2.mul(rest2, m01));
    const k23 = f64x2.add(still2, f64x2.mul(rest2, m23));
    const r01 = f32x4.demote_f64x2_zero(f64x2.add(p01, f64x2.mul(k01, cp01)));
    const r23 = f32x4.demote_f64x2_zero(f64x2.add(p23, f64x2.mul(k23, cp23)));
    v128.store(current + o, i8x16.shuffle(r01, r23, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23));
  }
  for (; i < n; i++) {
    const o = (<usize>i) << 2;
    const d =
      (77 * (<i32>load<u8>(frame + o) - <i32>load<u8>(previousFrame + o)) +
        150 * (<i32>load<u8>(frame + o + 1) - <i32>load<u8>(previousFrame + o + 1)) +
        29 * (<i32>load<u8>(frame + o + 2) - <i32>load<u8>(previousFrame + o + 2))) >>
      8;
    const p = <f64>load<f32>(previous + o);
    const c = <f64>load<f32>(current + o);
    // As the JS's `| 0` of a value in 0..255 (NaN 0).
    const change = <i32>((c > p ? c - p : p - c) * 255);
    const motion = <f64>load<f32>(lut + ((<usize>(d < 0 ? -d : d)) << 2));
    const jump = <f64>load<f32>(lut + ((<usize>(256 + min(255, change))) << 2));
    const at = c <= 0 ? 0 : c >= 1 ? 1023 : <i32>(c * 1023);
    const sure = <f64>load<f32>(lut + ((<usize>(512 + at)) << 2));
    const k = stillFactor + rest * max(max(motion, jump), sure);
    store<f32>(current + o, <f32>(p + k * (c - p)));
  }
}

/**
 * Table `part` (0 motion, 1 change, 2 confidence: 256, 256 and 1024 f32 entries from `lut`) at the indices in
 * lanes 2 * half and 2 * half + 1 of `index`, as f64x2.
 */
function pair(lut: usize, index: v128, part: i32, half: i32): v128 {
  const base = lut + ((<usize>(part * 256)) << 2);
  const a = half ? i32x4.extract_lane(index, 2) : i32x4.extract_lane(index, 0);
  const b = half ? i32x4.extract_lane(index, 3) : i32x4.extract_lane(index, 1);
  return f64x2.replace_lane(
    f64x2.splat(<f64>load<f32>(base + ((<usize>a) << 2))),
    1,
    <f64>load<f32>(base + ((<usize>b) << 2)),
  );
}

/**
 * cpu-refiner.ts's last pass: n f32 alphas at `a` to bytes through the 1024-entry `edge` table, at
 * min(1023, max(0, (a * 1023) | 0)) (truncated in f64; saturating where `| 0` would wrap, at |a| > 2^21,
 * which a mask in 0..1 never reaches).
 */
export function edgeBytes(a: usize, n: i32, edge: usize, out: usize): void {
  const k1023 = f64x2.splat(1023);
  const top = i32x4.splat(1023);
  const zero = i32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(a + ((<usize>i) << 2));
    const t01 = i32x4.trunc_sat_f64x2_s_zero(f64x2.mul(f64x2.promote_low_f32x4(v), k1023));
    const high = i8x16.shuffle(v, v, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7);
    const t23 = i32x4.trunc_sat_f64x2_s_zero(f64x2.mul(f64x2.promote_low_f32x4(high), k1023));
    const at = i32x4.max_s(
      i32x4.min_s(i8x16.shuffle(t01, t23, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23), top),
      zero,
    );
    const o = out + <usize>i;
    store<u8>(o, load<u8>(edge + <usize>i32x4.extract_lane(at, 0)));
    store<u8>(o + 1, load<u8>(edge + <usize>i32x4.extract_lane(at, 1)));
    store<u8>(o + 2, load<u8>(edge + <usize>i32x4.extract_lane(at, 2)));
    store<u8>(o + 3, load<u8>(edge + <usize>i32x4.extract_lane(at, 3)));
  }
  for (; i < n; i++) {
    const v = <i32>(<f64>load<f32>(a + ((<usize>i) << 2)) * 1023);
    store<u8>(out + <usize>i, load<u8>(edge + <usize>min(1023, max(0, v))));
  }
}

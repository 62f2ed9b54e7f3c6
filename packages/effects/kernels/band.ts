/**
 * mask/band-refine.ts's BandRefiner.refine with the same bytes: the tiles, the runs, the colour guided filter
 * and the edge curve. The window sums are sums of byte products, exact in i32 (the JS keeps them exactly in
 * f64), so they come from rolling column sums and a row prefix in integer SIMD instead of the JS's f64
 * integral images: the same values by another road. Everything after them (the 3x3 solve, the coefficients'
 * f32 storage, their f64 integral images, the means and the curve) is f64 in the JS's own order.
 */

/** The tile side (band-refine.ts BAND_TILE) and the "in the band" mark. */
const TILE = 32;
const BAND = 256;

/**
 * One pixel's 13 products as four i32x4 at `to`: (R, G, B, A), (RA, GA, BA, -), (RR, RG, RB, GG),
 * (GB, BB, -, -); added to (sign 1) or taken from (sign -1) the four vectors there.
 */
function accumulate(to: usize, px: usize, a: i32, sign: i32): void {
  const c = i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(px)));
  const v0 = i32x4.replace_lane(c, 3, a);
  const v1 = i32x4.mul(v0, i32x4.splat(a));
  // (R, R, R, G) * (R, G, B, G) and (G, B, ., .) * (B, B, ., .)
  const v2 = i32x4.mul(
    i8x16.shuffle(v0, v0, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 4, 5, 6, 7),
    i8x16.shuffle(v0, v0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 4, 5, 6, 7),
  );
  const v3 = i32x4.mul(
    i8x16.shuffle(v0, v0, 4, 5, 6, 7, 8, 9, 10, 11, 0, 1, 2, 3, 0, 1, 2, 3),
    i8x16.shuffle(v0, v0, 8, 9, 10, 11, 8, 9, 10, 11, 0, 1, 2, 3, 0, 1, 2, 3),
  );
  if (sign > 0) {
    v128.store(to, i32x4.add(v128.load(to), v0));
    v128.store(to + 16, i32x4.add(v128.load(to + 16), v1));
    v128.store(to + 32, i32x4.add(v128.load(to + 32), v2));
    v128.store(to + 48, i32x4.add(v128.load(to + 48), v3));
  } else {
    v128.store(to, i32x4.sub(v128.load(to), v0));
    v128.store(to + 16, i32x4.sub(v128.load(to + 16), v1));
    v128.store(to + 32, i32x4.sub(v128.load(to + 32), v2));
    v128.store(to + 48, i32x4.sub(v128.load(to + 48), v3));
  }
}

/** Adds (sign 1) or takes (-1) guide row `y`'s products, columns sx0 .. sx0 + sw - 1, to the column sums. */
function addRow(cols: usize, alpha: usize, guide: usize, W: i32, y: i32, sx0: i32, sw: i32, sign: i32): void {
  const i0 = y * W + sx0;
  for (let x = 0; x < sw; x++) {
    const i = i0 + x;
    accumulate(cols + ((<usize>x) << 6), guide + ((<usize>i) << 2), <i32>load<u8>(alpha + <usize>i), sign);
  }
}

/**
 * The window moving down one row: guide row `yIn`'s products added to the column sums and row `yOut`'s taken
 * from them in one pass (each column's four vectors loaded and stored once; i32 sums wrap exactly, so the same
 * sums as addRow twice).
 */
function moveRow(
  cols: usize,
  alpha: usize,
  guide: usize,
  W: i32,
  yIn: i32,
  yOut: i32,
  sx0: i32,
  sw: i32,
): void {
  const iIn = yIn * W + sx0;
  const iOut = yOut * W + sx0;
  for (let x = 0; x < sw; x++) {
    const to = cols + ((<usize>x) << 6);
    const pIn = guide + ((<usize>(iIn + x)) << 2);
    const pOut = guide + ((<usize>(iOut + x)) << 2);
    const aIn = <i32>load<u8>(alpha + <usize>(iIn + x));
    const aOut = <i32>load<u8>(alpha + <usize>(iOut + x));
    const u0 = i32x4.replace_lane(
      i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(pIn))),
      3,
      aIn,
    );
    const w0 = i32x4.replace_lane(
      i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(pOut))),
      3,
      aOut,
    );
    const u1 = i32x4.mul(u0, i32x4.splat(aIn));
    const w1 = i32x4.mul(w0, i32x4.splat(aOut));
    const u2 = i32x4.mul(
      i8x16.shuffle(u0, u0, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 4, 5, 6, 7),
      i8x16.shuffle(u0, u0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 4, 5, 6, 7),
    );
    const w2 = i32x4.mul(
      i8x16.shuffle(w0, w0, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 4, 5, 6, 7),
      i8x16.shuffle(w0, w0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 4, 5, 6, 7),
    );
    const u3 = i32x4.mul(
      i8x16.shuffle(u0, u0, 4, 5, 6, 7, 8, 9, 10, 11, 0, 1, 2, 3, 0, 1, 2, 3),
      i8x16.shuffle(u0, u0, 8, 9, 10, 11, 8, 9, 10, 11, 0, 1, 2, 3, 0, 1, 2, 3),
    );
    const w3 = i32x4.mul(
      i8x16.shuffle(w0, w0, 4, 5, 6, 7, 8, 9, 10, 11, 0, 1, 2, 3, 0, 1, 2, 3),
      i8x16.shuffle(w0, w0, 8, 9, 10, 11, 8, 9, 10, 11, 0, 1, 2, 3, 0, 1, 2, 3),
    );
    v128.store(to, i32x4.add(v128.load(to), i32x4.sub(u0, w0)));
    v128.store(to + 16, i32x4.add(v128.load(to + 16), i32x4.sub(u1, w1)));
    v128.store(to + 32, i32x4.add(v128.load(to + 32), i32x4.sub(u2, w2)));
    v128.store(to + 48, i32x4.add(v128.load(to + 48), i32x4.sub(u3, w3)));
  }
}

/** Window sum j (0..12) of the prefix entries at k1 (right edge) and k0 (left edge), as f64. */
function windowSum(k1: usize, k0: usize, lane: usize): f64 {
  return <f64>(load<i32>(k1 + lane) - load<i32>(k0 + lane));
}

/**
 * filterRun's coefficients of pixel x of a row to `c` (aR, aG, aB, b as f32): the mean colour, the covariances and
 * the 3x3 solve in f64 in the JS's order. `prefix` holds the row prefix of the window's column sums (from sx0),
 * ny the window's rows.
 */
function coefficient<T>(prefix: usize, c: usize, x: i32, r: i32, W: i32, sx0: i32, ny: i32, eps: f64): void {
  const wx0 = max(0, x - r) - sx0;
  const wx1 = min(W, x + r + 1) - sx0;
  const inv = 1 / <f64>(ny * (wx1 - wx0));
  const k1 = prefix + ((<usize>wx1) << 6);
  const k0 = prefix + ((<usize>wx0) << 6);
  const mR = windowSum(k1, k0, 0) * inv;
  const mG = windowSum(k1, k0, 4) * inv;
  const mB = windowSum(k1, k0, 8) * inv;
  const mA = windowSum(k1, k0, 12) * inv;
  const cR = windowSum(k1, k0, 16) * inv - mR * mA;
  const cG = windowSum(k1, k0, 20) * inv - mG * mA;
  const cB = windowSum(k1, k0, 24) * inv - mB * mA;
  const rr = windowSum(k1, k0, 32) * inv - mR * mR + eps;
  const rg = windowSum(k1, k0, 36) * inv - mR * mG;
  const rb = windowSum(k1, k0, 40) * inv - mR * mB;
  const gg = windowSum(k1, k0, 44) * inv - mG * mG + eps;
  const gb = windowSum(k1, k0, 48) * inv - mG * mB;
  const bb = windowSum(k1, k0, 52) * inv - mB * mB + eps;
  const i00 = gg * bb - gb * gb;
  const i01 = gb * rb - rg * bb;
  const i02 = rg * gb - gg * rb;
  const i11 = rr * bb - rb * rb;
  const i12 = rb * rg - rr * gb;
  const i22 = rr * gg - rg * rg;
  const det = 1 / (rr * i00 + rg * i01 + rb * i02);
  const aR = (i00 * cR + i01 * cG + i02 * cB) * det;
  const aG = (i01 * cR + i11 * cG + i12 * cB) * det;
  const aB = (i02 * cR + i12 * cG + i22 * cB) * det;
  const beta = mA - aR * mR - aG * mG - aB * mB;
  if (sizeof<T>() === 8) {
    // For the tests (bandCoefficients): the f64 values, 32 bytes a pixel.
    store<f64>(c, aR);
    store<f64>(c + 8, aG);
    store<f64>(c + 16, aB);
    store<f64>(c + 24, beta);
    return;
  }
  // Stored as the JS's Float32Array stores them.
  store<f32>(c, <f32>aR);
  store<f32>(c + 4, <f32>aG);
  store<f32>(c + 8, <f32>aB);
  store<f32>(c + 12, <f32>beta);
}

/** Lane 0 of a and of b (two pixels' window sums, i32) as an f64x2; lane0 .. lane3 likewise (inlined). */
function lane0(a: v128, b: v128): v128 {
  return f64x2.convert_low_i32x4_s(i8x16.shuffle(a, b, 0, 1, 2, 3, 16, 17, 18, 19, 0, 1, 2, 3, 0, 1, 2, 3));
}
function lane1(a: v128, b: v128): v128 {
  return f64x2.convert_low_i32x4_s(i8x16.shuffle(a, b, 4, 5, 6, 7, 20, 21, 22, 23, 0, 1, 2, 3, 0, 1, 2, 3));
}
function lane2(a: v128, b: v128): v128 {
  return f64x2.convert_low_i32x4_s(i8x16.shuffle(a, b, 8, 9, 10, 11, 24, 25, 26, 27, 0, 1, 2, 3, 0, 1, 2, 3));
}
function lane3(a: v128, b: v128): v128 {
  return f64x2.convert_low_i32x4_s(
    i8x16.shuffle(a, b, 12, 13, 14, 15, 28, 29, 30, 31, 0, 1, 2, 3, 0, 1, 2, 3),
  );
}

/**
 * filterRun's coefficients of pixels x and x + 1 of a row (to `c` and c + 16), in f64x2: lane 0 pixel x, lane 1
 * pixel x + 1, each lane the scalar loop's operations in its order (IEEE f64 lane by lane, no fused steps), so
 * the same f32 bits.
 */
function coefficientPair<T>(
  prefix: usize,
  c: usize,
  x: i32,
  r: i32,
  W: i32,
  sx0: i32,
  ny: i32,
  eps: f64,
): void {
  const wa0 = max(0, x - r) - sx0;
  const wa1 = min(W, x + r + 1) - sx0;
  const wb0 = max(0, x + 1 - r) - sx0;
  const wb1 = min(W, x + r + 2) - sx0;
  const n = f64x2.replace_lane(f64x2.splat(<f64>(ny * (wa1 - wa0))), 1, <f64>(ny * (wb1 - wb0)));
  const inv = f64x2.div(f64x2.splat(1), n);
  const a1 = prefix + ((<usize>wa1) << 6);
  const a0 = prefix + ((<usize>wa0) << 6);
  const b1 = prefix + ((<usize>wb1) << 6);
  const b0 = prefix + ((<usize>wb0) << 6);
  const sa0 = i32x4.sub(v128.load(a1), v128.load(a0));
  const sb0 = i32x4.sub(v128.load(b1), v128.load(b0));
  const sa1 = i32x4.sub(v128.load(a1, 16), v128.load(a0, 16));
  const sb1 = i32x4.sub(v128.load(b1, 16), v128.load(b0, 16));
  const sa2 = i32x4.sub(v128.load(a1, 32), v128.load(a0, 32));
  const sb2 = i32x4.sub(v128.load(b1, 32), v128.load(b0, 32));
  const sa3 = i32x4.sub(v128.load(a1, 48), v128.load(a0, 48));
  const sb3 = i32x4.sub(v128.load(b1, 48), v128.load(b0, 48));
  const e = f64x2.splat(eps);
  const mR = f64x2.mul(lane0(sa0, sb0), inv);
  const mG = f64x2.mul(lane1(sa0, sb0), inv);
  const mB = f64x2.mul(lane2(sa0, sb0), inv);
  const mA = f64x2.mul(lane3(sa0, sb0), inv);
  const cR = f64x2.sub(f64x2.mul(lane0(sa1, sb1), inv), f64x2.mul(mR, mA));
  const cG = f64x2.sub(f64x2.mul(lane1(sa1, sb1), inv), f64x2.mul(mG, mA));
  const cB = f64x2.sub(f64x2.mul(lane2(sa1, sb1), inv), f64x2.mul(mB, mA));
  const rr = f64x2.add(f64x2.sub(f64x2.mul(lane0(sa2, sb2), inv), f64x2.mul(mR, mR)), e);
  const rg = f64x2.sub(f64x2.mul(lane1(sa2, sb2), inv), f64x2.mul(mR, mG));
  const rb = f64x2.sub(f64x2.mul(lane2(sa2, sb2), inv), f64x2.mul(mR, mB));
  const gg = f64x2.add(f64x2.sub(f64x2.mul(lane3(sa2, sb2), inv), f64x2.mul(mG, mG)), e);
  const gb = f64x2.sub(f64x2.mul(lane0(sa3, sb3), inv), f64x2.mul(mG, mB));
  const bb = f64x2.add(f64x2.sub(f64x2.mul(lane1(sa3, sb3), inv), f64x2.mul(mB, mB)), e);
  const i00 = f64x2.sub(f64x2.mul(gg, bb), f64x2.mul(gb, gb));
  const i01 = f64x2.sub(f64x2.mul(gb, rb), f64x2.mul(rg, bb));
  const i02 = f64x2.sub(f64x2.mul(rg, gb), f64x2.mul(gg, rb));
  const i11 = f64x2.sub(f64x2.mul(rr, bb), f64x2.mul(rb, rb));
  const i12 = f64x2.sub(f64x2.mul(rb, rg), f64x2.mul(rr, gb));
  const i22 = f64x2.sub(f64x2.mul(rr, gg), f64x2.mul(rg, rg));
  const det = f64x2.div(
    f64x2.splat(1),
    f64x2.add(f64x2.add(f64x2.mul(rr, i00), f64x2.mul(rg, i01)), f64x2.mul(rb, i02)),
  );
  const aR = f64x2.mul(f64x2.add(f64x2.add(f64x2.mul(i00, cR), f64x2.mul(i01, cG)), f64x2.mul(i02, cB)), det);
  const aG = f64x2.mul(f64x2.add(f64x2.add(f64x2.mul(i01, cR), f64x2.mul(i11, cG)), f64x2.mul(i12, cB)), det);
  const aB = f64x2.mul(f64x2.add(f64x2.add(f64x2.mul(i02, cR), f64x2.mul(i12, cG)), f64x2.mul(i22, cB)), det);
  const beta = f64x2.sub(f64x2.sub(f64x2.sub(mA, f64x2.mul(aR, mR)), f64x2.mul(aG, mG)), f64x2.mul(aB, mB));
  if (sizeof<T>() === 8) {
    // For the tests (bandCoefficients): the f64 values, 32 bytes a pixel.
    v128.store(c, i8x16.shuffle(aR, aG, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23));
    v128.store(c + 16, i8x16.shuffle(aB, beta, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23));
    v128.store(c + 32, i8x16.shuffle(aR, aG, 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31));
    v128.store(c + 48, i8x16.shuffle(aB, beta, 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31));
    return;
  }
  // Stored as the JS's Float32Array stores them (f64 to f32, nearest): (aR, aG) and (aB, beta) of both pixels.
  const rgF = f32x4.demote_f64x2_zero(aR);
  const gF = f32x4.demote_f64x2_zero(aG);
  const bF = f32x4.demote_f64x2_zero(aB);
  const tF = f32x4.demote_f64x2_zero(beta);
  // (aR_x, aR_x1, aG_x, aG_x1) and (aB_x, aB_x1, b_x, b_x1), then each pixel's four.
  const lo = i8x16.shuffle(rgF, gF, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23);
  const hi = i8x16.shuffle(bF, tF, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23);
  v128.store(c, i8x16.shuffle(lo, hi, 0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27));
  v128.store(c + 16, i8x16.shuffle(lo, hi, 4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31));
}

/**
 * The guided filter over one run of band tiles (the output rectangle x0..x1 x y0..y1): the coefficients over
 * the rectangle grown by r, row by row, each row integrated at once into `integ` (4 interleaved f64 a cell,
 * (cw + 1) x (ch + 1)), then the output on the rectangle. `cols` holds 64 bytes a column, `prefix` 64 bytes a
 * column plus one, `row` 16 bytes a column.
 */
function filterRun(
  alpha: usize,
  guide: usize,
  W: i32,
  H: i32,
  x0: i32,
  x1: i32,
  y0: i32,
  y1: i32,
  r: i32,
  eps: f64,
  curve: usize,
  out: usize,
  cols: usize,
  prefix: usize,
  row: usize,
  integ: usize,
): void {
  const sx0 = max(0, x0 - 2 * r);
  const sx1 = min(W, x1 + 2 * r);
  const sw = sx1 - sx0;
  const cx0 = max(0, x0 - r);
  const cx1 = min(W, x1 + r);
  const cy0 = max(0, y0 - r);
  const cy1 = min(H, y1 + r);
  const cw = cx1 - cx0;
  const cstride = <usize>(cw + 1);
  // The column sums over the first coefficient row's window rows.
  memory.fill(cols, 0, (<usize>sw) << 6);
  for (let y = max(0, cy0 - r), end = min(H, cy0 + r + 1); y < end; y++)
    addRow(cols, alpha, guide, W, y, sx0, sw, 1);
  memory.fill(integ, 0, cstride << 5);
  memory.fill(prefix, 0, 64);
  for (let y = cy0; y < cy1; y++) {
    if (y > cy0) {
      // The window moves down one row: the row below comes in, the row above leaves.
      if (y + r < H && y - r - 1 >= 0) moveRow(cols, alpha, guide, W, y + r, y - r - 1, sx0, sw);
      else if (y + r < H) addRow(cols, alpha, guide, W, y + r, sx0, sw, 1);
      else if (y - r - 1 >= 0) addRow(cols, alpha, guide, W, y - r - 1, sx0, sw, -1);
    }
    // The row prefix of the column sums: entry x is the sum of columns 0 .. x - 1.
    let p0 = i32x4.splat(0);
    let p1 = i32x4.splat(0);
    let p2 = i32x4.splat(0);
    let p3 = i32x4.splat(0);
    for (let x = 0; x < sw; x++) {
      const c = cols + ((<usize>x) << 6);
      p0 = i32x4.add(p0, v128.load(c));
      p1 = i32x4.add(p1, v128.load(c + 16));
      p2 = i32x4.add(p2, v128.load(c + 32));
      p3 = i32x4.add(p3, v128.load(c + 48));
      const q = prefix + ((<usize>(x + 1)) << 6);
      v128.store(q, p0);
      v128.store(q + 16, p1);
      v128.store(q + 32, p2);
      v128.store(q + 48, p3);
    }
    const ny = min(H, y + r + 1) - max(0, y - r);
    let x = cx0;
    for (; x + 1 < cx1; x += 2)
      coefficientPair<f32>(prefix, row + ((<usize>(x - cx0)) << 4), x, r, W, sx0, ny, eps);
    for (; x < cx1; x++) coefficient<f32>(prefix, row + ((<usize>(x - cx0)) << 4), x, r, W, sx0, ny, eps);
    // This row of the four integral images: above + the row's running sum (f64 of the f32 values).
    const above = integ + ((<usize>(y - cy0) * cstride) << 5);
    const here = above + (cstride << 5);
    v128.store(here, f64x2.splat(0));
    v128.store(here + 16, f64x2.splat(0));
    let a01 = f64x2.splat(0);
    let a23 = f64x2.splat(0);
    for (let x = 0; x < cw; x++) {
      const c = row + ((<usize>x) << 4);
      a01 = f64x2.add(a01, f64x2.promote_low_f32x4(v128.load64_zero(c)));
      a23 = f64x2.add(a23, f64x2.promote_low_f32x4(v128.load64_zero(c + 8)));
      const o = (<usize>(x + 1)) << 5;
      v128.store(here + o, f64x2.add(v128.load(above + o), a01));
      v128.store(here + o + 16, f64x2.add(v128.load(above + o + 16), a23));
    }
  }
  // The output: the coefficients' window means at each pixel, applied to its colour, then the curve.
  for (let y = y0; y < y1; y++) {
    const wy0 = max(0, y - r) - cy0;
    const wy1 = min(H, y + r + 1) - cy0;
    const t = integ + ((<usize>wy0 * cstride) << 5);
    const b = integ + ((<usize>wy1 * cstride) << 5);
    const ny = wy1 - wy0;
    for (let x = x0; x < x1; x++) {
      const wx0 = max(0, x - r) - cx0;
      const wx1 = min(W, x + r + 1) - cx0;
      const inv = f64x2.splat(1 / <f64>(ny * (wx1 - wx0)));
      const k1 = b + ((<usize>wx1) << 5);
      const k2 = b + ((<usize>wx0) << 5);
      const k3 = t + ((<usize>wx1) << 5);
      const k4 = t + ((<usize>wx0) << 5);
      const m01 = f64x2.mul(
        f64x2.add(f64x2.sub(f64x2.sub(v128.load(k1), v128.load(k2)), v128.load(k3)), v128.load(k4)),
        inv,
      );
      const m23 = f64x2.mul(
        f64x2.add(
          f64x2.sub(f64x2.sub(v128.load(k1 + 16), v128.load(k2 + 16)), v128.load(k3 + 16)),
          v128.load(k4 + 16),
        ),
        inv,
      );
      const i = y * W + x;
      const g = guide + ((<usize>i) << 2);
      const q =
        f64x2.extract_lane(m01, 0) * <f64>load<u8>(g) +
        f64x2.extract_lane(m01, 1) * <f64>load<u8>(g + 1) +
        f64x2.extract_lane(m23, 0) * <f64>load<u8>(g + 2) +
        f64x2.extract_lane(m23, 1);
      // As the JS: q <= 0 (or NaN) 0, q >= 255 255, else (q + 0.5) | 0.
      const v = !(q > 0) ? 0 : q >= 255 ? 255 : <i32>(q + 0.5);
      store<u8>(out + <usize>i, load<u8>(curve + <usize>v));
    }
  }
}

/**
 * For the tests: filterRun's coefficients of pixels x0 .. x0 + count - 1 of one row to `out` from the row prefix
 * at `prefix`, two at a time (`paired` 1, as filterRun) or one at a time (0); as f32 (16 bytes a pixel, as
 * filterRun) or, `wide` 1, the f64 values before that rounding (32 bytes a pixel).
 */
export function bandCoefficients(
  prefix: usize,
  out: usize,
  x0: i32,
  count: i32,
  r: i32,
  W: i32,
  sx0: i32,
  ny: i32,
  eps: f64,
  paired: i32,
  wide: i32,
): void {
  const end = x0 + count;
  let x = x0;
  if (wide) {
    if (paired)
      for (; x + 1 < end; x += 2)
        coefficientPair<f64>(prefix, out + ((<usize>(x - x0)) << 5), x, r, W, sx0, ny, eps);
    for (; x < end; x++) coefficient<f64>(prefix, out + ((<usize>(x - x0)) << 5), x, r, W, sx0, ny, eps);
    return;
  }
  if (paired)
    for (; x + 1 < end; x += 2)
      coefficientPair<f32>(prefix, out + ((<usize>(x - x0)) << 4), x, r, W, sx0, ny, eps);
  for (; x < end; x++) coefficient<f32>(prefix, out + ((<usize>(x - x0)) << 4), x, r, W, sx0, ny, eps);
}

/** Bytes of work space bandRefine needs for a W-wide picture and radius r (cols, prefix, row, integral). */
export function bandWorkBytes(W: i32, r: i32): i32 {
  const cols = W * 64;
  const prefix = (W + 1) * 64;
  const row = W * 16;
  const integ = (W + 1) * (TILE + 2 * r + 1) * 32;
  return cols + prefix + row + integ + 4 * 16;
}

/**
 * BandRefiner.refine: W x H alpha bytes at `alpha`, RGBA guide at `guide`, the 256-byte edge curve at `curve`;
 * the refined alpha to `out`. `tiles` holds a u16 a tile, `work` bandWorkBytes(W, r). Returns the band's pixels.
 */
export function bandRefine(
  alpha: usize,
  guide: usize,
  W: i32,
  H: i32,
  r: i32,
  eps: f64,
  curve: usize,
  out: usize,
  tiles: usize,
  work: usize,
): i32 {
  const tw = (W + TILE - 1) / TILE;
  const th = (H + TILE - 1) / TILE;
  markTiles(alpha, W, H, 2 * r, tw, th, tiles);
  const cols = work;
  const prefix = (cols + ((<usize>W) << 6) + 15) & ~15;
  const row = (prefix + ((<usize>(W + 1)) << 6) + 15) & ~15;
  const integ = (row + ((<usize>W) << 4) + 15) & ~15;
  let bandPixels = 0;
  for (let ty = 0; ty < th; ty++) {
    const y0 = ty * TILE;
    const y1 = min(H, y0 + TILE);
    let tx = 0;
    while (tx < tw) {
      const value = <i32>load<u16>(tiles + ((<usize>(ty * tw + tx)) << 1));
      if (value !== BAND) {
        const v = load<u8>(curve + <usize>value);
        const xa = tx * TILE;
        const xb = min(W, (tx + 1) * TILE);
        for (let y = y0; y < y1; y++) memory.fill(out + <usize>(y * W + xa), v, <usize>(xb - xa));
        tx++;
        continue;
      }
      let end = tx + 1;
      while (end < tw && <i32>load<u16>(tiles + ((<usize>(ty * tw + end)) << 1)) === BAND) end++;
      const x0 = tx * TILE;
      const x1 = min(W, end * TILE);
      filterRun(alpha, guide, W, H, x0, x1, y0, y1, r, eps, curve, out, cols, prefix, row, integ);
      bandPixels += (x1 - x0) * (y1 - y0);
      tx = end;
    }
  }
  return bandPixels;
}

/** band-refine.ts markTiles: per tile its alpha when every pixel within `reach` has that value, else BAND. */
function markTiles(alpha: usize, W: i32, H: i32, reach: i32, tw: i32, th: i32, tiles: usize): void {
  for (let ty = 0; ty < th; ty++) {
    const y0 = max(0, ty * TILE - reach);
    const y1 = min(H - 1, (ty + 1) * TILE - 1 + reach);
    for (let tx = 0; tx < tw; tx++) {
      const x0 = max(0, tx * TILE - reach);
      const x1 = min(W - 1, (tx + 1) * TILE - 1 + reach);
      const first = load<u8>(alpha + <usize>(y0 * W + x0));
      const splat = i8x16.splat(first);
      let flat = true;
      for (let y = y0; y <= y1 && flat; y++) {
        let i = alpha + <usize>(y * W + x0);
        const end = alpha + <usize>(y * W + x1);
        for (; i + 15 <= end; i += 16) {
          if (v128.any_true(v128.xor(v128.load(i), splat))) {
            flat = false;
            break;
          }
        }
        for (; flat && i <= end; i++) if (load<u8>(i) !== first) flat = false;
      }
      store<u16>(tiles + ((<usize>(ty * tw + tx)) << 1), flat ? <i32>first : BAND);
    }
  }
}

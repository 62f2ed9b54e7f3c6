/**
 * The box average of a plane to a smaller size (mask/yuv.ts's boxPlane, the same bytes): the YUV back end's
 * one pass over the full picture per frame (the refinement's guide). Column sums down each output row's
 * source rows 16 columns a step (u16 lanes: up to 257 rows of 255), then the horizontal boxes over the sums,
 * four boxes' quotients in f32x4 (one at a time in f64 as before for boxes of 65536 samples or more). A
 * plane whose every four boxes lie within 16 columns (the guide's: 1280 or 640 to 384) takes each box's
 * sum straight from the column sums by swizzles (pickedBoxes); other planes, and packed pixels, from two reads
 * of the sums' running total (horizontalBoxes; packed to packed, one v128 read per box end).
 */

/**
 * Box-averages the picture at `plane` (pw x ph pixels of `inStep` bytes: 1, a plane; 4, packed Y, U, V, A)
 * into bytes `channel` .. `channel + channels - 1` of each `step`-byte pixel of the outW x outH output at
 * `out`, from the first `channels` bytes of each input pixel. xs (outW + 1) and ys (outH + 1) are yuv.ts's
 * boxTable edges (i32); `sums` is scratch of boxScratchBytes(pw * inStep, inStep) bytes (u16 sums, then u32
 * running sums). The caller keeps a box under 257 rows.
 */
export function boxPlane(
  plane: usize,
  pw: i32,
  ph: i32,
  out: usize,
  outW: i32,
  outH: i32,
  channel: i32,
  step: i32,
  xs: usize,
  ys: usize,
  sums: usize,
  inStep: i32,
  channels: i32,
): void {
  const rowBytes = pw * inStep;
  const prefix = sums + boxSumsAt(rowBytes);
  const ends = prefix + <usize>((((rowBytes + inStep) << 2) + 15) & ~15);
  boxEnds(xs, outW, pw, inStep, ends);
  // A plane whose boxes are narrow: each four outputs' sums picked straight from the column sums (no running sum).
  const tables = ends + <usize>((12 * outW + 15) & ~15);
  const taps = inStep === 1 ? pickTables(ends, outW, tables) : 0;
  for (let oy = 0; oy < outH; oy++) {
    const e = ys + ((<usize>oy) << 2);
    const y0 = min(load<i32>(e), ph - 1);
    const y1 = min(ph, max(y0 + 1, load<i32>(e + 4)));
    const first = plane + <usize>(y0 * rowBytes);
    let x = 0;
    for (; x + 16 <= rowBytes; x += 16) {
      let p = first + <usize>x;
      let v = v128.load(p);
      let lo = i16x8.extend_low_i8x16_u(v);
      let hi = i16x8.extend_high_i8x16_u(v);
      for (let y = y0 + 1; y < y1; y++) {
        p += <usize>rowBytes;
        v = v128.load(p);
        lo = i16x8.add(lo, i16x8.extend_low_i8x16_u(v));
        hi = i16x8.add(hi, i16x8.extend_high_i8x16_u(v));
      }
      const s = sums + ((<usize>x) << 1);
      v128.store(s, lo);
      v128.store(s + 16, hi);
    }
    for (; x < rowBytes; x++) {
      let p = first + <usize>x;
      let sum = <i32>load<u8>(p);
      for (let y = y0 + 1; y < y1; y++) {
        p += <usize>rowBytes;
        sum += <i32>load<u8>(p);
      }
      store<u16>(sums + ((<usize>x) << 1), sum);
    }
    const rows = y1 - y0;
    // n = rows * width < 65536: the f32 quotient then rounds to the f64 one's byte (see horizontalBoxes).
    if (rows * pw < 65536) {
      const rowOut = out + <usize>(oy * outW * step);
      if (taps > 0) {
        pickedBoxes(sums, tables, taps, rows, ends, outW, rowOut, step, channel);
        continue;
      }
      horizontalBoxes(sums, prefix, rowBytes, inStep, channels, rows, ends, outW, rowOut, step, channel);
      continue;
    }
    let o = out + <usize>(oy * outW * step + channel);
    for (let ox = 0; ox < outW; ox++, o += <usize>step) {
      const t = xs + ((<usize>ox) << 2);
      const x0 = min(load<i32>(t), pw - 1);
      const x1 = max(x0 + 1, load<i32>(t + 4));
      const n = rows * (x1 - x0);
      for (let ch = 0; ch < channels; ch++) {
        let sum = 0;
        for (let c = x0; c < x1; c++) sum += <i32>load<u16>(sums + ((<usize>(c * inStep + ch)) << 1));
        // As a Uint8ClampedArray store of sum / n: round half to even.
        store<u8>(o + <usize>ch, n > 0 ? <i32>nearest(<f64>sum / <f64>n) : 0);
      }
    }
  }
}

/**
 * One output row's horizontal boxes over the column sums, four outputs a step: a running sum of the column
 * sums (`prefix`, u32, one per input byte plus one pixel: prefix[i] = the sum of sums[j] for j < i, j = i mod
 * inStep) gives each box's sum as two reads whatever its width; the quotients are f32x4, rounded half to even.
 * The quotient differs from the JS's f64 sum / n only below 2^-17 (an f32 quotient under 256 is within 2^-17 of
 * the true one), and a quotient of integers with n < 65536 that is not exactly k + 0.5 lies at least 1/(2n) >
 * 2^-17 from it: both round to the same byte. The caller keeps n < 65536. `ends` holds each output's two
 * byte offsets into the prefix and its width (boxEnds). The signed conversions are the unsigned ones here (sums
 * under 2^24, quotients 0..255) and cost V8 fewer instructions. `o` is the output row's first pixel; the bytes go to
 * `channel` + 0 .. channels - 1 of each `step`-byte pixel (step 4: four pixels written as one v128, the
 * bytes of the other channels kept).
 */
function horizontalBoxes(
  sums: usize,
  prefix: usize,
  rowBytes: i32,
  inStep: i32,
  channels: i32,
  rows: i32,
  ends: usize,
  outW: i32,
  o: usize,
  step: i32,
  channel: i32,
): void {
  // The running sums kept in registers (a sum read back from memory would chain each step on a store).
  if (inStep === 4) {
    let acc = i32x4.splat(0);
    v128.store(prefix, acc);
    for (let i = 0; i < rowBytes; i += 4) {
      acc = i32x4.add(acc, i32x4.extend_low_i16x8_u(v128.load64_zero(sums + ((<usize>i) << 1))));
      v128.store(prefix + ((<usize>(i + 4)) << 2), acc);
    }
  } else {
    for (let ch = 0; ch < inStep; ch++) {
      let acc: u32 = 0;
      store<u32>(prefix + ((<usize>ch) << 2), 0);
      for (let i = ch; i < rowBytes; i += inStep) {
        acc += <u32>load<u16>(sums + ((<usize>i) << 1));
        store<u32>(prefix + ((<usize>(i + inStep)) << 2), acc);
      }
    }
  }
  const rowsV = i32x4.splat(rows);
  const us = <usize>step;
  const lows = ends;
  const highs = ends + ((<usize>outW) << 2);
  const widths = ends + ((<usize>outW) << 3);
  let ox = 0;
  if (inStep === 4 && step === 4 && channel === 0 && channels === 3) {
    // Packed to packed (Y, U, V; A kept): a box's four channel sums are one v128 of the running sums, so each
    // output takes two v128 reads and one f32x4 quotient (the same quotient per channel as below).
    const keepA = i32x4.splat(0xff000000);
    for (; ox + 4 <= outW; ox += 4) {
      const e = (<usize>ox) << 2;
      const q0 = boxQuotients(prefix, lows + e, highs + e, rows * load<i32>(widths + e));
      const q1 = boxQuotients(prefix, lows + e + 4, highs + e + 4, rows * load<i32>(widths + e, 4));
      const q2 = boxQuotients(prefix, lows + e + 8, highs + e + 8, rows * load<i32>(widths + e, 8));
      const q3 = boxQuotients(prefix, lows + e + 12, highs + e + 12, rows * load<i32>(widths + e, 12));
      const p = o + ((<usize>ox) << 2);
      const bytes = i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_s(q0, q1), i16x8.narrow_i32x4_s(q2, q3));
      v128.store(p, v128.bitselect(v128.load(p), bytes, keepA));
    }
  }
  for (; ox + 4 <= outW; ox += 4) {
    const e = (<usize>ox) << 2;
    const n = f32x4.convert_i32x4_s(i32x4.mul(rowsV, v128.load(widths + e)));
    const a0 = prefix + <usize>load<i32>(lows + e);
    const a1 = prefix + <usize>load<i32>(lows + e, 4);
    const a2 = prefix + <usize>load<i32>(lows + e, 8);
    const a3 = prefix + <usize>load<i32>(lows + e, 12);
    const b0 = prefix + <usize>load<i32>(highs + e);
    const b1 = prefix + <usize>load<i32>(highs + e, 4);
    const b2 = prefix + <usize>load<i32>(highs + e, 8);
    const b3 = prefix + <usize>load<i32>(highs + e, 12);
    const p = o + <usize>ox * us;
    let packed = step === 4 ? v128.load(p) : i32x4.splat(0);
    for (let ch = 0; ch < channels; ch++) {
      const c = (<usize>ch) << 2;
      let hi = i32x4.splat(load<i32>(b0 + c));
      hi = i32x4.replace_lane(hi, 1, load<i32>(b1 + c));
      hi = i32x4.replace_lane(hi, 2, load<i32>(b2 + c));
      hi = i32x4.replace_lane(hi, 3, load<i32>(b3 + c));
      let lo = i32x4.splat(load<i32>(a0 + c));
      lo = i32x4.replace_lane(lo, 1, load<i32>(a1 + c));
      lo = i32x4.replace_lane(lo, 2, load<i32>(a2 + c));
      lo = i32x4.replace_lane(lo, 3, load<i32>(a3 + c));
      const q = i32x4.trunc_sat_f32x4_s(
        f32x4.nearest(f32x4.div(f32x4.convert_i32x4_s(i32x4.sub(hi, lo)), n)),
      );
      if (step === 4) {
        // Four packed pixels: this channel's byte of each replaced, the others kept.
        const shift = (channel + ch) << 3;
        packed = v128.bitselect(i32x4.shl(q, shift), packed, i32x4.splat(0xff << shift));
      } else {
        const at = p + <usize>(channel + ch);
        store<u8>(at, <u8>i32x4.extract_lane(q, 0));
        store<u8>(at + us, <u8>i32x4.extract_lane(q, 1));
        store<u8>(at + 2 * us, <u8>i32x4.extract_lane(q, 2));
        store<u8>(at + 3 * us, <u8>i32x4.extract_lane(q, 3));
      }
    }
    if (step === 4) v128.store(p, packed);
  }
  for (; ox < outW; ox++) {
    const e = (<usize>ox) << 2;
    const n = <f64>(rows * load<i32>(widths + e));
    const p = o + <usize>ox * us;
    for (let ch = 0; ch < channels; ch++) {
      const c = (<usize>ch) << 2;
      const sum =
        load<u32>(prefix + <usize>load<i32>(highs + e) + c) -
        load<u32>(prefix + <usize>load<i32>(lows + e) + c);
      store<u8>(p + <usize>(channel + ch), <i32>nearest(<f64>sum / n));
    }
  }
}

/** The widest box pickedBoxes takes (its tables hold this many pairs of swizzle masks per four outputs). */
const PICK_TAPS = 8;

/**
 * For a plane (inStep 1) whose boxes are narrow: the swizzle masks with which pickedBoxes takes each four
 * outputs' column sums from the 16 u16 sums at the first box's x0. At `tables`: outW / 4 i32 offsets (bytes into
 * the column sums), 16-byte aligned, then per four outputs `taps` pairs of masks (tap j: lane k's u16 at x0 + j
 * when j < its width, as an i32 lane; from the sums' first eight (first mask) or last eight (second); index
 * 0x80, a zero, elsewhere). Returns taps (the widest box), or 0 where some four outputs span more than 16
 * columns or a box is wider than PICK_TAPS: then the running-sum path runs.
 */
function pickTables(ends: usize, outW: i32, tables: usize): i32 {
  const groups = outW >> 2;
  if (groups === 0) return 0;
  let taps = 0;
  for (let g = 0; g < groups; g++) {
    const e = ends + ((<usize>g) << 4);
    const base = load<i32>(e) >> 2;
    const last = (load<i32>(e + ((<usize>outW) << 2), 12) >> 2) - base;
    if (last > 16) return 0;
    for (let k = 0; k < 4; k++) taps = max(taps, load<i32>(e + ((<usize>outW) << 3) + ((<usize>k) << 2)));
  }
  if (taps > PICK_TAPS) return 0;
  const masks = tables + <usize>(((groups << 2) + 15) & ~15);
  for (let g = 0; g < groups; g++) {
    const e = ends + ((<usize>g) << 4);
    const base = load<i32>(e) >> 2;
    store<i32>(tables + ((<usize>g) << 2), base << 1);
    const m = masks + <usize>(g * taps * 32);
    memory.fill(m, 0x80, <usize>(taps * 32));
    for (let k = 0; k < 4; k++) {
      const x0 = (load<i32>(e + ((<usize>k) << 2)) >> 2) - base;
      const width = load<i32>(e + ((<usize>outW) << 3) + ((<usize>k) << 2));
      for (let j = 0; j < width; j++) {
        const c = x0 + j;
        const at = m + <usize>(j * 32 + (c < 8 ? 0 : 16) + (k << 2));
        store<u8>(at, <u8>((c & 7) << 1));
        store<u8>(at, <u8>(((c & 7) << 1) + 1), 1);
      }
    }
  }
  return taps;
}

/**
 * One output row's horizontal boxes of a plane, four outputs a step, from pickTables's masks: the 16 column
 * sums at the first box's start, each tap's u16 of each box swizzled into its i32 lane and added (the exact
 * integer sums, as horizontalBoxes's two reads of the running sum); then the same f32x4 quotients, rounding and
 * stores as horizontalBoxes (the same bytes; the caller keeps n < 65536). The last outW % 4 outputs one at a
 * time in f64 from the sums.
 */
function pickedBoxes(
  sums: usize,
  tables: usize,
  taps: i32,
  rows: i32,
  ends: usize,
  outW: i32,
  o: usize,
  step: i32,
  channel: i32,
): void {
  const groups = outW >> 2;
  const rowsV = i32x4.splat(rows);
  const us = <usize>step;
  const widths = ends + ((<usize>outW) << 3);
  let m = tables + <usize>(((groups << 2) + 15) & ~15);
  const shift = channel << 3;
  const keep = i32x4.splat(0xff << shift);
  for (let g = 0; g < groups; g++) {
    const from = sums + <usize>load<i32>(tables + ((<usize>g) << 2));
    const lo = v128.load(from);
    const hi = v128.load(from, 16);
    let acc = i32x4.add(i8x16.swizzle(lo, v128.load(m)), i8x16.swizzle(hi, v128.load(m, 16)));
    m += 32;
    for (let j = 1; j < taps; j++, m += 32)
      acc = i32x4.add(acc, i32x4.add(i8x16.swizzle(lo, v128.load(m)), i8x16.swizzle(hi, v128.load(m, 16))));
    const n = f32x4.convert_i32x4_s(i32x4.mul(rowsV, v128.load(widths + ((<usize>g) << 4))));
    const q = i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.div(f32x4.convert_i32x4_s(acc), n)));
    const p = o + ((<usize>g) << 2) * us;
    if (step === 4) {
      // Four packed pixels: this channel's byte of each replaced, the others kept.
      v128.store(p, v128.bitselect(i32x4.shl(q, shift), v128.load(p), keep));
    } else {
      const at = p + <usize>channel;
      store<u8>(at, <u8>i32x4.extract_lane(q, 0));
      store<u8>(at + us, <u8>i32x4.extract_lane(q, 1));
      store<u8>(at + 2 * us, <u8>i32x4.extract_lane(q, 2));
      store<u8>(at + 3 * us, <u8>i32x4.extract_lane(q, 3));
    }
  }
  for (let ox = groups << 2; ox < outW; ox++) {
    const e = ends + ((<usize>ox) << 2);
    const x0 = load<i32>(e) >> 2;
    const width = load<i32>(widths + ((<usize>ox) << 2));
    let sum = 0;
    for (let c = x0; c < x0 + width; c++) sum += <i32>load<u16>(sums + ((<usize>c) << 1));
    store<u8>(o + <usize>ox * us + <usize>channel, <i32>nearest(<f64>sum / <f64>(rows * width)));
  }
}

/**
 * One packed output's four channel quotients (i32x4, 0..255): the box's sums from the running sums at the
 * offsets stored at `lo` and `hi`, over n samples, in f32 rounded half to even, as horizontalBoxes's.
 */
function boxQuotients(prefix: usize, lo: usize, hi: usize, n: i32): v128 {
  const sum = i32x4.sub(v128.load(prefix + <usize>load<i32>(hi)), v128.load(prefix + <usize>load<i32>(lo)));
  return i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.div(f32x4.convert_i32x4_s(sum), f32x4.splat(<f32>n))));
}

/**
 * Each output's box ends as byte offsets into the running sums (x0 and x1 pixels of `inStep` u32s; x0 clamped
 * to the row, x1 at least x0 + 1, as boxPlane's edges) and its width, three i32 tables of outW at `ends`.
 */
function boxEnds(xs: usize, outW: i32, pw: i32, inStep: i32, ends: usize): void {
  for (let ox = 0; ox < outW; ox++) {
    const t = xs + ((<usize>ox) << 2);
    const x0 = min(load<i32>(t), pw - 1);
    const x1 = max(x0 + 1, load<i32>(t + 4));
    const e = ends + ((<usize>ox) << 2);
    store<i32>(e, (x0 * inStep) << 2);
    store<i32>(e + ((<usize>outW) << 2), (x1 * inStep) << 2);
    store<i32>(e + ((<usize>outW) << 3), x1 - x0);
  }
}

/** Where the u32 running sums start in a box's scratch (after the u16 column sums, 16-byte aligned). */
function boxSumsAt(rowBytes: i32): usize {
  return <usize>(((rowBytes + 16) * 2 + 15) & ~15);
}

/** The scratch bytes boxPlane needs for rows of `rowBytes` bytes of `inStep`-byte pixels. */
export function boxScratchBytes(rowBytes: i32, inStep: i32, outW: i32): i32 {
  return (
    <i32>boxSumsAt(rowBytes) +
    4 * (rowBytes + inStep) +
    16 +
    12 * outW +
    32 +
    (outW >> 2) * (4 + PICK_TAPS * 32)
  );
}

/** n bytes at `at` set to `value` (the packed output's fourth byte). */
export function fill(at: usize, value: u8, n: usize): void {
  memory.fill(at, value, n);
}

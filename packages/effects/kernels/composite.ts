/**
 * AssemblyScript source of the YUV composite's wasm kernel (built by scripts/build-kernels.mjs into
 * src/mask/wasm/kernels-bytes.ts). It is mask/yuv-composite.ts's blendPlane for a small background (blur,
 * privacy), step for step, so its bytes are the same: the same runs, the same fixed-point arithmetic. The
 * plain copies are memory.copy and the background's vertical mix runs 16 samples a step (i16x8 lanes).
 * Raw memory only: every array is a byte offset into the module's memory, laid out by the caller.
 */

export const COPY: i32 = 0;
export const BACKGROUND: i32 = 1;
export const BLEND: i32 = 2;
const FULL: u8 = 1;
const ZERO: u8 = 2;
const MIXED: u8 = 0;

// One plane's widened background rows (see yuv-composite.ts, `wide`).
let wSmall: usize = 0;
let wSmallWidth: i32 = 0;
let wPlane: i32 = 0;
let wWidth: i32 = 0;
let wStart: i32 = 0;
let wStep: i32 = 0;
let wRow0: usize = 0;
let wRow1: usize = 0;
let wPadded: usize = 0;
let held0: i32 = -1;
let held1: i32 = -1;
let pairI0: i32 = -1;
let pairI1: i32 = -1;
let top: usize = 0;
let bottom: usize = 0;
// widen 16 outputs a step (pickTables): the small row's bytes padded as `wPadded`, and per 16 outputs the first
// padded index (i32 at wFirst) and 64 bytes at wPick: the left and right sample's offset from it (16 + 16 bytes)
// and the weight v (8 + 8 u16). 0: no tables (the outputs of 16 span more than 15 padded samples).
let wFirst: usize = 0;
let wPick: usize = 0;
let wBytes: usize = 0;
let wGroups: i32 = 0;

/** Slot row pointer holding small row r widened; made now in the slot not holding `keep` if neither does. */
function widen(r: i32, keep: i32): usize {
  if (held0 === r) return wRow0;
  if (held1 === r) return wRow1;
  let out: usize;
  if (held0 === keep) {
    held1 = r;
    out = wRow1;
  } else {
    held0 = r;
    out = wRow0;
  }
  const sw = wSmallWidth;
  const from = wSmall + <usize>(r * sw * 4 + wPlane);
  if (wGroups > 0) {
    // The row's bytes padded (the first and last repeated), then 16 outputs a step: each lane's two samples
    // swizzled from the 16 bytes at its group's first index, the same (s0·(256 - v) + s1·v + 128) >> 8 in u16
    // lanes (at most 255·256 + 128 < 65536).
    const B = wBytes;
    for (let i = 0; i < sw; i++) store<u8>(B + <usize>(i + 1), load<u8>(from + ((<usize>i) << 2)));
    store<u8>(B, load<u8>(B + 1));
    store<u8>(B + <usize>(sw + 1), load<u8>(B + <usize>sw));
    const half = i16x8.splat(128);
    const full = i16x8.splat(256);
    for (let g = 0; g < wGroups; g++) {
      const t = wPick + ((<usize>g) << 6);
      const row = v128.load(B + <usize>load<i32>(wFirst + ((<usize>g) << 2)));
      const a = i8x16.swizzle(row, v128.load(t));
      const b = i8x16.swizzle(row, v128.load(t, 16));
      const vLo = v128.load(t, 32);
      const vHi = v128.load(t, 48);
      const lo = i16x8.shr_u(
        i16x8.add(
          i16x8.add(
            i16x8.mul(i16x8.extend_low_i8x16_u(a), i16x8.sub(full, vLo)),
            i16x8.mul(i16x8.extend_low_i8x16_u(b), vLo),
          ),
          half,
        ),
        8,
      );
      const hi = i16x8.shr_u(
        i16x8.add(
          i16x8.add(
            i16x8.mul(i16x8.extend_high_i8x16_u(a), i16x8.sub(full, vHi)),
            i16x8.mul(i16x8.extend_high_i8x16_u(b), vHi),
          ),
          half,
        ),
        8,
      );
      v128.store(out + ((<usize>g) << 4), i8x16.narrow_i16x8_u(lo, hi));
    }
    return out;
  }
  const P = wPadded;
  for (let i = 0; i < sw; i++)
    store<i32>(P + ((<usize>(i + 1)) << 2), <i32>load<u8>(from + ((<usize>i) << 2)));
  store<i32>(P, load<i32>(P + 4));
  store<i32>(P + ((<usize>(sw + 1)) << 2), load<i32>(P + ((<usize>sw) << 2)));
  let f = wStart;
  for (let x = 0, n = wWidth; x < n; x++, f += wStep) {
    const k = f >> 16;
    const v = (f >> 8) & 255;
    const p = P + ((<usize>k) << 2);
    store<u8>(out + <usize>x, (load<i32>(p) * (256 - v) + load<i32>(p + 4) * v + 128) >> 8);
  }
  return out;
}

/**
 * widen's tables for 16 outputs a step (at wFirst and wPick, see there) for the plane width wWidth and the
 * stepping wStart/wStep over a small row of wSmallWidth; wGroups = 0 where some 16 outputs' samples span more
 * than the 16 bytes one load holds. Lanes past the row's end repeat its last output (the row's padding).
 */
function pickTables(): void {
  const groups = (wWidth + 15) >> 4;
  wGroups = 0;
  for (let g = 0; g < groups; g++) {
    const first = (wStart + (g << 4) * wStep) >> 16;
    const x = min(wWidth - 1, (g << 4) + 15);
    if (((wStart + x * wStep) >> 16) + 1 - first > 15) return;
    store<i32>(wFirst + ((<usize>g) << 2), first);
    const t = wPick + ((<usize>g) << 6);
    for (let l = 0; l < 16; l++) {
      const f = wStart + min(wWidth - 1, (g << 4) + l) * wStep;
      const k = (f >> 16) - first;
      store<u8>(t + <usize>l, <u8>k);
      store<u8>(t + <usize>(16 + l), <u8>(k + 1));
      store<u16>(t + <usize>(32 + 2 * l), <u16>((f >> 8) & 255));
    }
  }
  wGroups = groups;
}

function wideRowPair(i0: i32, i1: i32): void {
  if (pairI0 === i0 && pairI1 === i1) return;
  top = widen(i0, i1);
  bottom = widen(i1, i0);
  pairI0 = i0;
  pairI1 = i1;
}

/** dst[x0..x1) of a row: the widened rows mixed at vertical weight wy (0..256), rounded; 16 a step. */
function backgroundSpan(wy: i32, dst: usize, x0: i32, x1: i32): void {
  const iwy = 256 - wy;
  let x = x0;
  const vw = i16x8.splat(<i16>wy);
  const viw = i16x8.splat(<i16>iwy);
  const half = i16x8.splat(128);
  // Lanes are 16-bit: r0·(256 - wy) + r1·wy + 128 is at most 255·256 + 128 < 65536, exact mod 2^16.
  for (; x + 16 <= x1; x += 16) {
    const a = v128.load(top + <usize>x);
    const b = v128.load(bottom + <usize>x);
    const lo = i16x8.shr_u(
      i16x8.add(
        i16x8.add(i16x8.mul(i16x8.extend_low_i8x16_u(a), viw), i16x8.mul(i16x8.extend_low_i8x16_u(b), vw)),
        half,
      ),
      8,
    );
    const hi = i16x8.shr_u(
      i16x8.add(
        i16x8.add(i16x8.mul(i16x8.extend_high_i8x16_u(a), viw), i16x8.mul(i16x8.extend_high_i8x16_u(b), vw)),
        half,
      ),
      8,
    );
    v128.store(dst + <usize>x, i8x16.narrow_i16x8_u(lo, hi));
  }
  for (; x < x1; x++) {
    store<u8>(
      dst + <usize>x,
      (<i32>load<u8>(top + <usize>x) * iwy + <i32>load<u8>(bottom + <usize>x) * wy + 128) >> 8,
    );
  }
}

/**
 * Splits the padded alpha row between alpha rows a0 and a1 (weight wy of a1) into runs (i, j, kind), written
 * at `runs`; returns how many numbers were written. As yuv-composite.ts's scanRuns. `C` is aw + 2 bytes of
 * scratch (the classes). Also composite-picture.ts's.
 */
export function scanRuns(alpha: usize, aw: i32, a0: i32, a1: i32, wy: i32, C: usize, runs: usize): i32 {
  const first = wy === 256 ? a1 : a0;
  const second = wy === 0 ? a0 : a1;
  let c = 0;
  // 16 classes a step: FULL where p & q is 255, ZERO where p | q is 0.
  const ones = i8x16.splat(-1);
  const none = i8x16.splat(0);
  const fullV = i8x16.splat(FULL);
  const zeroV = i8x16.splat(ZERO);
  for (; c + 16 <= aw; c += 16) {
    const p = v128.load(alpha + <usize>(first + c));
    const q = v128.load(alpha + <usize>(second + c));
    const isFull = i8x16.eq(v128.and(p, q), ones);
    const isZero = i8x16.eq(v128.or(p, q), none);
    v128.store(C + <usize>(c + 1), v128.or(v128.and(isFull, fullV), v128.and(isZero, zeroV)));
  }
  for (; c < aw; c++) {
    const p = <i32>load<u8>(alpha + <usize>(first + c));
    const q = <i32>load<u8>(alpha + <usize>(second + c));
    store<u8>(C + <usize>(c + 1), (p & q) === 255 ? FULL : (p | q) === 0 ? ZERO : MIXED);
  }
  store<u8>(C, load<u8>(C + 1));
  store<u8>(C + <usize>(aw + 1), load<u8>(C + <usize>aw));
  let n = 0;
  let i = 0;
  while (i <= aw) {
    const c = load<u8>(C + <usize>i);
    let j = i;
    if (c !== MIXED) {
      // 15 steps at once where the next 16 classes are all c (each step reads two of them).
      const same = i8x16.splat(c);
      while (j + 15 <= aw && i8x16.all_true(i8x16.eq(v128.load(C + <usize>(j + 1)), same))) j += 15;
      while (j < aw && load<u8>(C + <usize>(j + 1)) === c && load<u8>(C + <usize>(j + 2)) === c) j++;
    }
    const next = load<u8>(C + <usize>(j + 1));
    const p = runs + ((<usize>n) << 2);
    store<i32>(p, i);
    store<i32>(p + 4, j);
    store<i32>(p + 8, c === FULL && next === FULL ? COPY : c === ZERO && next === ZERO ? BACKGROUND : BLEND);
    n += 3;
    i = j + 1;
  }
  return n;
}

/**
 * One plane of the composite over a small background (packed Y, U, V, A at sw x sh; `plane` picks the byte).
 * Tables (i32 arrays, from the caller, as yuv-composite.ts makes them): byI0/byI1/byW (ph entries) sample the
 * background's rows, ayI0/ayI1/ayW (ph) the alpha's rows, firstX (aw + 3) the first output x of each padded
 * alpha index. alpha = 0: all background. `scratch` holds the rest (see scratchBytes).
 */
export function compositeSmallPlane(
  src: usize,
  dst: usize,
  pw: i32,
  ph: i32,
  alpha: usize,
  aw: i32,
  small: usize,
  sw: i32,
  plane: i32,
  byI0: usize,
  byI1: usize,
  byW: usize,
  ayI0: usize,
  ayI1: usize,
  ayW: usize,
  firstX: usize,
  saStart: i32,
  saStep: i32,
  bgStart: i32,
  bgStep: i32,
  scratch: usize,
): void {
  const rowBytes = <usize>((pw + 15) & ~15);
  wRow0 = scratch;
  wRow1 = wRow0 + rowBytes;
  wPadded = wRow1 + rowBytes;
  const A = wPadded + ((<usize>(sw + 2)) << 2);
  const C = A + ((<usize>(aw + 2)) << 2);
  const runs = C + <usize>((aw + 2 + 3) & ~3);
  const groups = (pw + 15) >> 4;
  wBytes = (runs + 12 * <usize>(aw + 2) + 15) & ~15;
  wFirst = (wBytes + <usize>(sw + 2 + 16) + 15) & ~15;
  wPick = (wFirst + ((<usize>groups) << 2) + 15) & ~15;
  wSmall = small;
  wSmallWidth = sw;
  wPlane = plane;
  wWidth = pw;
  wStart = bgStart;
  wStep = bgStep;
  held0 = -1;
  held1 = -1;
  pairI0 = -1;
  pairI1 = -1;
  pickTables();
  if (alpha === 0) {
    for (let y = 0; y < ph; y++) {
      const t = (<usize>y) << 2;
      wideRowPair(load<i32>(byI0 + t), load<i32>(byI1 + t));
      backgroundSpan(load<i32>(byW + t), dst + <usize>(y * pw), 0, pw);
    }
    return;
  }
  let lastA0 = -1;
  let lastA1 = -1;
  let lastClass = -1;
  let nRuns = 0;
  for (let y = 0; y < ph; y++) {
    const t = (<usize>y) << 2;
    const row = <usize>(y * pw);
    const srcRow = src + row;
    const dstRow = dst + row;
    let haveSmallRow = false;
    const wb = load<i32>(byW + t);
    const iwb = 256 - wb;
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
      if (!haveSmallRow) {
        wideRowPair(load<i32>(byI0 + t), load<i32>(byI1 + t));
        haveSmallRow = true;
      }
      if (kind === BACKGROUND) {
        backgroundSpan(wb, dstRow, x0, x1);
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
      const r0 = top;
      const r1 = bottom;
      let fa = saStart + x0 * saStep;
      for (let x = x0; x < x1; x++, fa += saStep) {
        const k = fa >> 16;
        const w = (fa >> 8) & 255;
        const q = A + ((<usize>k) << 2);
        const a = (load<i32>(q) * (256 - w) + load<i32>(q + 4) * w + 32768) >> 16;
        const s = <i32>load<u8>(srcRow + <usize>x);
        const b = (<i32>load<u8>(r0 + <usize>x) * iwb + <i32>load<u8>(r1 + <usize>x) * wb + 128) >> 8;
        store<u8>(dstRow + <usize>x, b + (((s - b) * a * 257 + 32768) >> 16));
      }
    }
  }
}

/** Bytes of scratch compositeSmallPlane needs for a plane width, background width and alpha width. */
export function scratchBytes(pw: i32, sw: i32, aw: i32): i32 {
  const groups = (pw + 15) >> 4;
  return (
    2 * ((pw + 15) & ~15) +
    4 * (sw + 2) +
    4 * (aw + 2) +
    ((aw + 2 + 3) & ~3) +
    12 * (aw + 2) +
    64 +
    (sw + 2 + 16 + 15) +
    (groups * 4 + 15) +
    groups * 64 +
    16
  );
}

/**
 * The box average of a plane to a smaller size (mask/yuv.ts's boxPlane, the same bytes): the YUV back end's
 * one pass over the full picture per frame (the refinement's guide). Column sums down each output row's
 * source rows 16 columns a step (u16 lanes: up to 257 rows of 255), then the horizontal boxes over the sums.
 */

/**
 * Box-averages the picture at `plane` (pw x ph pixels of `inStep` bytes: 1, a plane; 4, packed Y, U, V, A)
 * into bytes `channel` .. `channel + channels - 1` of each `step`-byte pixel of the outW x outH output at
 * `out`, from the first `channels` bytes of each input pixel. xs (outW + 1) and ys (outH + 1) are yuv.ts's
 * boxTable edges (i32); `sums` is scratch for pw * inStep + 16 u16 sums. The caller keeps a box under 257 rows.
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

/** n bytes at `at` set to `value` (the packed output's fourth byte). */
export function fill(at: usize, value: u8, n: usize): void {
  memory.fill(at, value, n);
}

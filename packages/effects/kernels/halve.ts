/**
 * mask/yuv.ts's halvePlane with the same bytes (shrinkI420 at the budget's half-size level): each 2x2 block
 * averaged, rounded half to even as the JS rounds. Sixteen outputs a step in u16 lanes (a block's sum is at
 * most 1020), then a scalar tail.
 */

/**
 * (s + 1 + (s >> 2 & 1)) >> 2 for u16 lanes: the quotient s >> 2 plus one when the remainder is 3, or 2 with
 * the quotient odd (the JS's q + (r > 2 || (r === 2 && q odd))).
 */
function rounded(s: v128, one: v128): v128 {
  return i16x8.shr_u(i16x8.add(i16x8.add(s, one), v128.and(i16x8.shr_u(s, 2), one)), 2);
}

/** Plane `src` (rows sw bytes apart) halved into `out` (ow x oh, rows ow bytes apart). */
export function halvePlane(src: usize, sw: i32, out: usize, ow: i32, oh: i32): void {
  const one = i16x8.splat(1);
  for (let y = 0; y < oh; y++) {
    const a = src + <usize>(2 * y * sw);
    const b = a + <usize>sw;
    const o = out + <usize>(y * ow);
    let x = 0;
    for (; x + 16 <= ow; x += 16) {
      const at = <usize>(2 * x);
      // Adjacent bytes added pairwise to u16, then the two rows: the sums of blocks x .. x + 7 and x + 8 .. x + 15.
      const lo = i16x8.add(
        i16x8.extadd_pairwise_i8x16_u(v128.load(a + at)),
        i16x8.extadd_pairwise_i8x16_u(v128.load(b + at)),
      );
      const hi = i16x8.add(
        i16x8.extadd_pairwise_i8x16_u(v128.load(a + at + 16)),
        i16x8.extadd_pairwise_i8x16_u(v128.load(b + at + 16)),
      );
      v128.store(o + <usize>x, i8x16.narrow_i16x8_u(rounded(lo, one), rounded(hi, one)));
    }
    for (; x < ow; x++) {
      const at = <usize>(2 * x);
      const s =
        <i32>load<u8>(a + at) + <i32>load<u8>(a + at + 1) + <i32>load<u8>(b + at) + <i32>load<u8>(b + at + 1);
      store<u8>(o + <usize>x, (s + 1 + ((s >> 2) & 1)) >> 2);
    }
  }
}

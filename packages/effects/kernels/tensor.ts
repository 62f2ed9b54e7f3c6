/**
 * segmentation/tensor.ts's writeRgbTensor with the same f32 bits: RGBA bytes to the model's RGB input tensor,
 * each byte k as k / 255, four pixels a step. The JS stores Float32Array.from(k / 255), the f64 quotient
 * rounded to f32; here f32x4.div rounds the exact quotient to f32 once. The two agree for every byte (a unit
 * test compares all 256), since k / 255's binary expansion repeats every 8 bits and so never lies on an f32
 * rounding midpoint that the f64 rounding could move.
 */

/** The f32 tensor (3 floats a pixel, rows top first) of width x height RGBA pixels; `mirrored`: each row right to left. */
export function rgbTensor(src: usize, width: i32, height: i32, dst: usize, mirrored: i32): void {
  const k255 = f32x4.splat(255);
  for (let y = 0; y < height; y++) {
    const row = src + <usize>(y * width * 4);
    let d = dst + <usize>(y * width * 12);
    let x = 0;
    for (; x + 4 <= width; x += 4, d += 48) {
      // Output pixels x .. x + 3 read source pixels x .. x + 3, or (mirrored) width - 1 - x down to width - 4 - x.
      const v = v128.load(row + <usize>((mirrored ? width - 4 - x : x) << 2));
      // R, G, B of the four pixels in output order; the last four lanes are not used.
      const rgb = mirrored
        ? i8x16.shuffle(v, v, 12, 13, 14, 8, 9, 10, 4, 5, 6, 0, 1, 2, 0, 0, 0, 0)
        : i8x16.shuffle(v, v, 0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, 0, 0, 0, 0);
      const lo = i16x8.extend_low_i8x16_u(rgb);
      const hi = i16x8.extend_high_i8x16_u(rgb);
      v128.store(d, f32x4.div(f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_u(lo)), k255));
      v128.store(d, f32x4.div(f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_u(lo)), k255), 16);
      v128.store(d, f32x4.div(f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_u(hi)), k255), 32);
    }
    for (; x < width; x++, d += 12) {
      const p = row + <usize>((mirrored ? width - 1 - x : x) << 2);
      store<f32>(d, <f32>load<u8>(p) / <f32>255);
      store<f32>(d + 4, <f32>load<u8>(p + 1) / <f32>255);
      store<f32>(d + 8, <f32>load<u8>(p + 2) / <f32>255);
    }
  }
}

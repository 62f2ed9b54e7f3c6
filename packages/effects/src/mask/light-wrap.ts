/**
 * Light wrapping: near the person's edge, a little of the new background's light spills onto the person, so
 * a replaced background looks lit rather than pasted. The wrap amount is high just inside the edge and zero
 * deep inside the person and outside it: wrap = clamp(2 * a * (1 - soft(a))) * strength, soft = box blur. Pure.
 */
export function lightWrapAlpha(input: {
  /** Person alpha, one byte per pixel (stride 4 when `stride` is 4, e.g. the alpha channel of RGBA). */
  alpha: Uint8ClampedArray | Uint8Array;
  stride?: number;
  offset?: number;
  width: number;
  height: number;
  radius: number;
  strength: number;
  out?: Uint8ClampedArray;
}): Uint8ClampedArray {
  const { width, height, alpha } = input;
  const stride = input.stride ?? 1;
  const offset = input.offset ?? 0;
  const n = width * height;
  if (alpha.length < (n - 1) * stride + offset + 1) throw new RangeError('lightWrapAlpha: alpha too small');
  const r = Math.max(1, Math.round(input.radius));
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = alpha[i * stride + offset]! / 255;
  // Separable box blur (one pass per axis is enough for a soft band).
  const h = new Float32Array(n);
  const norm = 1 / (2 * r + 1);
  for (let y = 0; y < height; y++) {
    const base = y * width;
    let acc = 0;
    for (let k = -r; k <= r; k++) acc += a[base + Math.min(width - 1, Math.max(0, k))]!;
    for (let x = 0; x < width; x++) {
      h[base + x] = acc * norm;
      acc += a[base + Math.min(width - 1, x + r + 1)]! - a[base + Math.max(0, x - r)]!;
    }
  }
  const out = input.out ?? new Uint8ClampedArray(n);
  for (let x = 0; x < width; x++) {
    let acc = 0;
    for (let k = -r; k <= r; k++) acc += h[Math.min(height - 1, Math.max(0, k)) * width + x]!;
    for (let y = 0; y < height; y++) {
      const i = y * width + x;
      const soft = acc * norm;
      const wrap = Math.min(1, Math.max(0, 2 * a[i]! * (1 - soft))) * input.strength;
      out[i] = wrap * 255;
      acc += h[Math.min(height - 1, y + r + 1) * width + x]! - h[Math.max(0, y - r) * width + x]!;
    }
  }
  return out;
}

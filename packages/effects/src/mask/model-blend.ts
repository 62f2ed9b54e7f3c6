/**
 * Averages two models' person probabilities that cover the same picture on different grids (the landscape
 * model's 256x144 and the square model's 256x256): `coarse` is sampled bilinearly (pixel centres aligned, edges
 * clamped) onto `target`'s grid and averaged into it in place. Two models squeeze an upright picture
 * differently, so their errors at the outline are partly independent, like the mirrored pass's. Pure.
 */
export function blendOnto(
  target: { data: Float32Array; width: number; height: number },
  other: { data: Float32Array; width: number; height: number },
  otherWeight = 0.5,
): Float32Array {
  const { data, width: W, height: H } = target;
  const { data: src, width: w, height: h } = other;
  if (data.length !== W * H || src.length !== w * h || W < 1 || H < 1 || w < 1 || h < 1)
    throw new RangeError('blendOnto: sizes do not match');
  const keep = 1 - otherWeight;
  // Column taps once for the whole grid: for each target column, two source columns and the second's weight.
  const x0s = new Int32Array(W);
  const x1s = new Int32Array(W);
  const xws = new Float32Array(W);
  for (let x = 0; x < W; x++) {
    const fx = Math.min(w - 1, Math.max(0, ((x + 0.5) * w) / W - 0.5));
    x0s[x] = Math.floor(fx);
    x1s[x] = Math.min(w - 1, x0s[x]! + 1);
    xws[x] = fx - x0s[x]!;
  }
  for (let y = 0; y < H; y++) {
    const fy = Math.min(h - 1, Math.max(0, ((y + 0.5) * h) / H - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(h - 1, y0 + 1);
    const wy = fy - y0;
    const r0 = y0 * w;
    const r1 = y1 * w;
    const row = y * W;
    for (let x = 0; x < W; x++) {
      const a = x0s[x]!;
      const b = x1s[x]!;
      const wx = xws[x]!;
      const top = src[r0 + a]! + (src[r0 + b]! - src[r0 + a]!) * wx;
      const bottom = src[r1 + a]! + (src[r1 + b]! - src[r1 + a]!) * wx;
      data[row + x] = keep * data[row + x]! + otherWeight * (top + (bottom - top) * wy);
    }
  }
  return data;
}

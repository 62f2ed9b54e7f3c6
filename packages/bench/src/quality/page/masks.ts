/** Bilinear upsampling of a model-resolution probability map to the image size, thresholded at 0.5. */
export function upsampleThreshold(
  data: Float32Array,
  srcW: number,
  srcH: number,
  width: number,
  height: number,
): Uint8Array {
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const sy = Math.min(srcH - 1, Math.max(0, ((y + 0.5) * srcH) / height - 0.5));
    const y0 = Math.floor(sy);
    const y1 = Math.min(srcH - 1, y0 + 1);
    const fy = sy - y0;
    for (let x = 0; x < width; x++) {
      const sx = Math.min(srcW - 1, Math.max(0, ((x + 0.5) * srcW) / width - 0.5));
      const x0 = Math.floor(sx);
      const x1 = Math.min(srcW - 1, x0 + 1);
      const fx = sx - x0;
      const top = data[y0 * srcW + x0]! * (1 - fx) + data[y0 * srcW + x1]! * fx;
      const bottom = data[y1 * srcW + x0]! * (1 - fx) + data[y1 * srcW + x1]! * fx;
      out[y * width + x] = top * (1 - fy) + bottom * fy >= 0.5 ? 1 : 0;
    }
  }
  return out;
}

/**
 * Recovers a binary person mask from a frame composited over a flat key colour: each output pixel is
 * alpha*original + (1-alpha)*key, so alpha is the projection of (output - key) on (original - key). Where the
 * original is itself close to the key, alpha is unknowable; the distance from the key decides there.
 */
export function maskFromKeyed(
  output: Uint8ClampedArray,
  original: Uint8ClampedArray,
  key: readonly number[],
): Uint8Array {
  const n = output.length / 4;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let dot = 0;
    let norm = 0;
    let dist = 0;
    for (let c = 0; c < 3; c++) {
      const o = original[i * 4 + c]! - key[c]!;
      const p = output[i * 4 + c]! - key[c]!;
      dot += o * p;
      norm += o * o;
      dist = Math.max(dist, Math.abs(p));
    }
    out[i] = norm > 60 * 60 ? (dot / norm >= 0.5 ? 1 : 0) : dist > 40 ? 1 : 0;
  }
  return out;
}

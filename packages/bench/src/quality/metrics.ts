/**
 * Segmentation quality metrics on binary masks (1 = person). Pure: no DOM, no I/O.
 * Masks are Uint8Array of width*height; any non-zero value is "person".
 */

export interface Mask {
  width: number;
  height: number;
  data: Uint8Array;
}

/** Thresholds an 8-bit alpha/probability mask at 0.5 (>= 128 is person). */
export function threshold(alpha: Uint8Array, width: number, height: number): Mask {
  const data = new Uint8Array(width * height);
  for (let i = 0; i < data.length; i++) data[i] = alpha[i]! >= 128 ? 1 : 0;
  return { width, height, data };
}

function sameSize(a: Mask, b: Mask): void {
  if (a.width !== b.width || a.height !== b.height) {
    throw new Error(`mask sizes differ: ${a.width}x${a.height} vs ${b.width}x${b.height}`);
  }
}

/** Intersection over union of the person class. Two empty masks agree perfectly (1). */
export function iou(pred: Mask, truth: Mask): number {
  sameSize(pred, truth);
  let inter = 0;
  let union = 0;
  for (let i = 0; i < pred.data.length; i++) {
    const p = pred.data[i] !== 0;
    const t = truth.data[i] !== 0;
    if (p && t) inter++;
    if (p || t) union++;
  }
  return union === 0 ? 1 : inter / union;
}

/** Boundary pixels: person pixels with a 4-neighbour that is background (or the image edge is not counted). */
export function boundary(mask: Mask): Uint8Array {
  const { width: w, height: h, data } = mask;
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (data[i] === 0) continue;
      if (
        (x > 0 && data[i - 1] === 0) ||
        (x < w - 1 && data[i + 1] === 0) ||
        (y > 0 && data[i - w] === 0) ||
        (y < h - 1 && data[i + w] === 0)
      ) {
        out[i] = 1;
      }
    }
  }
  return out;
}

/** Dilates a binary map with a disk of `radius` pixels (DAVIS matches boundaries within a disk). */
export function dilate(map: Uint8Array, width: number, height: number, radius: number): Uint8Array {
  const r = Math.max(0, Math.round(radius));
  const out = new Uint8Array(width * height);
  if (r === 0) return map.slice();
  // Disk offsets per row: for dy in [-r, r], the half-width of the disk.
  const half: number[] = [];
  for (let dy = -r; dy <= r; dy++) half.push(Math.floor(Math.sqrt(r * r - dy * dy)));
  // For every set pixel, mark the disk as one span per row.
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (map[y * width + x] === 0) continue;
      for (let dy = -r; dy <= r; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= height) continue;
        const hw = half[dy + r]!;
        const x0 = Math.max(0, x - hw);
        const x1 = Math.min(width - 1, x + hw);
        out.fill(1, yy * width + x0, yy * width + x1 + 1);
      }
    }
  }
  return out;
}

/**
 * DAVIS boundary F-measure: precision = predicted boundary pixels within `tolerance` px of a true boundary
 * pixel, recall = true boundary pixels within `tolerance` of a predicted one; F = 2PR / (P + R).
 * `tolerance` defaults to 0.008 x the image diagonal, as in the DAVIS benchmark.
 */
export function boundaryF(pred: Mask, truth: Mask, tolerance?: number): number {
  sameSize(pred, truth);
  const { width: w, height: h } = pred;
  const tol = tolerance ?? Math.max(1, Math.round(0.008 * Math.hypot(w, h)));
  const bp = boundary(pred);
  const bt = boundary(truth);
  let np = 0;
  let nt = 0;
  for (let i = 0; i < bp.length; i++) {
    np += bp[i]!;
    nt += bt[i]!;
  }
  if (np === 0 && nt === 0) return 1;
  if (np === 0 || nt === 0) return 0;
  const nearTruth = dilate(bt, w, h, tol);
  const nearPred = dilate(bp, w, h, tol);
  let matchedP = 0;
  let matchedT = 0;
  for (let i = 0; i < bp.length; i++) {
    if (bp[i] && nearTruth[i]) matchedP++;
    if (bt[i] && nearPred[i]) matchedT++;
  }
  const precision = matchedP / np;
  const recall = matchedT / nt;
  return precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
}

/**
 * Temporal flicker between consecutive frames: the share (%) of pixels whose predicted label changed while the
 * ground truth's did not. Motion the truth shows is not counted as flicker.
 */
export function flickerPct(prevPred: Mask, pred: Mask, prevTruth: Mask, truth: Mask): number {
  sameSize(prevPred, pred);
  sameSize(prevTruth, truth);
  sameSize(pred, truth);
  let flicker = 0;
  for (let i = 0; i < pred.data.length; i++) {
    const predChanged = (pred.data[i] !== 0) !== (prevPred.data[i] !== 0);
    const truthChanged = (truth.data[i] !== 0) !== (prevTruth.data[i] !== 0);
    if (predChanged && !truthChanged) flicker++;
  }
  return (100 * flicker) / pred.data.length;
}

export function mean(values: readonly number[]): number | null {
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
}

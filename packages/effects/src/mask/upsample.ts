/**
 * Joint bilateral upsampling on the CPU (Kopf et al. 2007), for the Canvas2D path: the model's low-resolution
 * mask is resampled at a working resolution, each of the (2r+1)^2 nearest model pixels weighted by its distance
 * and by how close its colour is to the colour of the output pixel. Pure: typed arrays in, typed array out.
 */
export interface UpsampleInput {
  mask: Float32Array;
  maskWidth: number;
  maskHeight: number;
  /** The camera frame at mask resolution, RGBA. */
  guideLow: Uint8ClampedArray;
  /** The camera frame at output (working) resolution, RGBA. */
  guideHigh: Uint8ClampedArray;
  width: number;
  height: number;
  /** Spatial sigma in mask pixels. */
  sigmaSpace?: number;
  /** Range sigma in 0..255 colour units. */
  sigmaRange?: number;
  /** Kernel radius in mask pixels: 1 gives 3x3 taps, 2 gives 5x5. */
  radius?: number;
  out?: Float32Array;
}

const LUT_SHIFT = 6;
/** A kernel neighbourhood whose values span less than this counts as flat. */
const FLAT_RANGE = 0.02;
const lutCache = new Map<number, Float32Array>();

/** exp(-d2 / (2 sigma^2)) tabulated by d2 >> LUT_SHIFT, d2 being a squared RGB distance. */
function rangeLut(sigmaRange: number): Float32Array {
  let lut = lutCache.get(sigmaRange);
  if (!lut) {
    lut = new Float32Array(((3 * 255 * 255) >> LUT_SHIFT) + 1);
    for (let i = 0; i < lut.length; i++)
      lut[i] = Math.exp(-((i << LUT_SHIFT) + (1 << (LUT_SHIFT - 1))) / (2 * sigmaRange * sigmaRange));
    lutCache.set(sigmaRange, lut);
  }
  return lut;
}

/** For each output coordinate along one axis: the centre model index and 2r+1 spatial weights. */
function axisTable(outSize: number, lowSize: number, sigma: number, r: number) {
  const taps = 2 * r + 1;
  const centre = new Int32Array(outSize);
  const weights = new Float32Array(outSize * taps);
  for (let x = 0; x < outSize; x++) {
    const f = ((x + 0.5) * lowSize) / outSize - 0.5;
    const c = Math.min(lowSize - 1, Math.max(0, Math.round(f)));
    centre[x] = c;
    for (let k = -r; k <= r; k++) {
      const d = c + k - f;
      weights[x * taps + k + r] = Math.exp(-(d * d) / (2 * sigma * sigma));
    }
  }
  return { centre, weights };
}

export function jointBilateralUpsample(input: UpsampleInput): Float32Array {
  const { mask, maskWidth: mw, maskHeight: mh, guideLow, guideHigh, width, height } = input;
  if (mask.length !== mw * mh || guideLow.length !== mw * mh * 4 || guideHigh.length !== width * height * 4) {
    throw new RangeError('jointBilateralUpsample: sizes do not match');
  }
  const out = input.out ?? new Float32Array(width * height);
  if (out.length !== width * height)
    throw new RangeError('jointBilateralUpsample: output size does not match');
  const lut = rangeLut(input.sigmaRange ?? 30);
  const r = Math.max(1, Math.round(input.radius ?? 1));
  const taps = 2 * r + 1;
  // Where the model is sure (its kernel neighbourhood is flat), there is no edge to snap: copy the value.
  // That is most of the picture, and skips the range weights there.
  const flat = new Uint8Array(mw * mh);
  for (let ly = 0; ly < mh; ly++) {
    for (let lx = 0; lx < mw; lx++) {
      let lo = 1;
      let hi = 0;
      for (let j = Math.max(0, ly - r); j <= Math.min(mh - 1, ly + r); j++) {
        for (let i = Math.max(0, lx - r); i <= Math.min(mw - 1, lx + r); i++) {
          const v = mask[j * mw + i]!;
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
      }
      flat[ly * mw + lx] = hi - lo < FLAT_RANGE ? 1 : 0;
    }
  }
  const sx = axisTable(width, mw, input.sigmaSpace ?? r, r);
  const sy = axisTable(height, mh, input.sigmaSpace ?? r, r);
  for (let y = 0; y < height; y++) {
    const cy = sy.centre[y]!;
    for (let x = 0; x < width; x++) {
      const cx = sx.centre[x]!;
      if (flat[cy * mw + cx]) {
        out[y * width + x] = mask[cy * mw + cx]!;
        continue;
      }
      const o = (y * width + x) * 4;
      const red = guideHigh[o]!;
      const green = guideHigh[o + 1]!;
      const blue = guideHigh[o + 2]!;
      let sum = 0;
      let wsum = 0;
      for (let j = -r; j <= r; j++) {
        const ly = cy + j;
        if (ly < 0 || ly >= mh) continue;
        const wy = sy.weights[y * taps + j + r]!;
        for (let i = -r; i <= r; i++) {
          const lx = cx + i;
          if (lx < 0 || lx >= mw) continue;
          const li = ly * mw + lx;
          const p = li * 4;
          const dr = guideLow[p]! - red;
          const dg = guideLow[p + 1]! - green;
          const db = guideLow[p + 2]! - blue;
          const w = wy * sx.weights[x * taps + i + r]! * lut[(dr * dr + dg * dg + db * db) >> LUT_SHIFT]!;
          sum += w * mask[li]!;
          wsum += w;
        }
      }
      out[y * width + x] = wsum > 1e-12 ? sum / wsum : mask[cy * mw + cx]!;
    }
  }
  return out;
}

/** Pure kernel maths shared by the WebGL stages and their tests. No DOM, no GL. */

/** Normalised 1-D Gaussian weights for offsets -radius..radius. */
export function gaussianWeights(radius: number, sigma: number): number[] {
  if (!Number.isInteger(radius) || radius < 0)
    throw new RangeError(`radius must be a whole number >= 0: ${radius}`);
  if (!(sigma > 0)) throw new RangeError(`sigma must be > 0: ${sigma}`);
  const raw: number[] = [];
  for (let i = -radius; i <= radius; i++) raw.push(Math.exp(-(i * i) / (2 * sigma * sigma)));
  const sum = raw.reduce((a, b) => a + b, 0);
  return raw.map((w) => w / sum);
}

/**
 * Blur settings for a user-facing strength in [0, 1], at a working resolution `scale` of the output
 * (0.5 = half size). Taps are spaced so that a fixed tap count covers +-2 sigma at any strength.
 */
export function blurParams(strength: number, outputHeight: number, scale: number, taps: number) {
  const sigma = Math.max(0.5, blurSigmaOut(strength, outputHeight) * scale);
  const radius = Math.floor(taps / 2);
  const step = Math.max(1, (2 * sigma) / Math.max(1, radius));
  // Weights sampled at the tap positions (in working pixels), normalised.
  const weights: number[] = [];
  for (let i = -radius; i <= radius; i++) weights.push(Math.exp(-((i * step) ** 2) / (2 * sigma * sigma)));
  const sum = weights.reduce((a, b) => a + b, 0);
  return { sigma, step, radius, weights: weights.map((w) => w / sum) };
}

/** The blur's sigma in output pixels: strength 0 -> barely (2 % of the height / 6), 1 -> strong (~5 %). */
export function blurSigmaOut(strength: number, outputHeight: number): number {
  const s = Math.min(1, Math.max(0, strength));
  return outputHeight * (0.006 + 0.05 * s);
}

/** Sigma, in working pixels, that a CPU background blur needs at most: a finer grid only costs more. */
export const BLUR_SIGMA_PX = 3;

/**
 * The scale (of the output) at which the CPU back ends blur the background: the quality level's, or smaller
 * while the blur's sigma stays >= BLUR_SIGMA_PX working pixels (never under a quarter of the level's). A strong
 * blur is smooth at any grid finer than its sigma, and the composite scales it up bilinearly, so the grid
 * only costs: at 1280x720, strength 0.6, 148x83 instead of 320x180 (bench:stages: blur 5.6 -> ~1.3 CPU ms).
 */
export function blurWorkScale(levelScale: number, strength: number, outputHeight: number): number {
  const fit = BLUR_SIGMA_PX / blurSigmaOut(strength, outputHeight);
  return Math.min(levelScale, Math.max(levelScale / 4, fit));
}

/** Joint bilateral weight of one tap: spatial Gaussian times range Gaussian on the guide colour distance. */
export function bilateralWeight(
  distSq: number,
  colourDistSq: number,
  sigmaSpace: number,
  sigmaRange: number,
): number {
  return Math.exp(-distSq / (2 * sigmaSpace * sigmaSpace) - colourDistSq / (2 * sigmaRange * sigmaRange));
}

/**
 * Edge sharpening applied after upsampling: a smoothstep between `low` and `high`, centred on 0.5 like the
 * model's own decision. A centre of 0.6 (against the model's halo) won 0.1 IoU on the portraits but put the
 * fast-moving DAVIS clip below the bare model (breakdance-flare IoU 65.3 vs 66.3, boundary F 69.8 vs 73.2);
 * centred on 0.5, with the temporal filter of mask/smoothing.ts, every group of the development set is at or
 * above the bare model (`npm run eval`).
 */
export const EDGE = { low: 0.25, high: 0.75 } as const;

export function smoothstep(edge0: number, edge1: number, x: number): number {
  const t = Math.min(1, Math.max(0, (x - edge0) / (edge1 - edge0)));
  return t * t * (3 - 2 * t);
}

/** GLSL float literal (always has a decimal point). */
export function glslFloat(x: number): string {
  const s = Number.isInteger(x) ? `${x}.0` : `${x}`;
  return s.includes('e') ? x.toFixed(8) : s;
}

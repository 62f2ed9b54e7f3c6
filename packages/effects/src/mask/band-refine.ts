/**
 * Boundary-band refinement: a colour guided filter (He et al. 2010, "Guided Image Filtering", section 3.5) run
 * only where the alpha is not flat, the band around the person's outline. Within the filter's reach the outline
 * moves to the picture's own colour edges (hair against a wall, a shoulder against a chair), and a last edge
 * curve places the label's boundary. Flat parts (all person, all background) are copied. The band is found in
 * tiles and filtered in horizontal runs of tiles, so the cost follows the outline's length, not the area.
 * It runs at the refinement's working size: on the development set, what is wrong at the edge is wrong by 8 to
 * 24 frame pixels (halos, hair), which a filter with that reach fixes at any resolution; the frame's own
 * resolution added nothing the eval could see and cost several times more. Pure: typed arrays only.
 */

export interface BandRefineOptions {
  /** The filter's window radius, in working pixels (also how far the outline may move). */
  radius: number;
  /** Regularisation, in squared 8-bit colour units: larger keeps the alpha as it was, smaller follows colour. */
  eps: number;
  /** Where the edge curve puts alpha 0.5, as a filtered alpha in 0..1. */
  centre: number;
  /** Half the width of the edge curve's ramp, in filtered alpha 0..1. */
  softness: number;
}

/**
 * Chosen on the eval's development set, all three groups at once (replaying its model outputs through the YUV
 * back end's refinement; grey guides, full-resolution guides and radii 2-24 were worse or dearer): portrait
 * boundary F 76.4 -> 78.0, rollerblade 51.6 -> 54.9, breakdance-flare 72.7 -> 73.0 (IoU 66.6 -> 66.3, raw 65.3).
 * A centre of 0.59 gave the portraits 0.1 more and left breakdance-flare's IoU level with the raw model's.
 */
export const BAND_REFINE: BandRefineOptions = { radius: 8, eps: 65, centre: 0.55, softness: 0.15 };

/** Side of the square tiles the band is found in, in working pixels. */
export const BAND_TILE = 32;

export interface BandRefineInput {
  /** The refined alpha at the working size, 0..255. */
  alpha: Uint8Array;
  /** The picture at the same size, RGBA (any three colour channels: RGB, or Y, U, V). */
  guide: Uint8ClampedArray | Uint8Array;
  width: number;
  height: number;
}

/** Window sums per pixel: R, G, B, A, RA, GA, BA, RR, RG, RB, GG, GB, BB (interleaved). */
const PLANES = 13;

/** The tile mark for "in the band" (tiles otherwise hold their constant alpha, 0..255). */
const BAND = 256;

/**
 * A faster filter with the same bytes (the wasm kernel): refine()'s work after its checks into `out`, returning
 * the band's pixels, or null when it declines (the JS runs then).
 */
export interface BandKernel {
  bandRefine(
    alpha: Uint8Array,
    guide: Uint8Array | Uint8ClampedArray,
    W: number,
    H: number,
    r: number,
    eps: number,
    curve: Uint8Array,
    out: Uint8Array,
  ): number | null;
}

/** Owns the refined alpha and the scratch buffers, reused from frame to frame. */
export class BandRefiner {
  /** The last refined alpha, one byte per working pixel. */
  alpha: Uint8Array = new Uint8Array(0);
  width = 0;
  height = 0;
  /** Working pixels the filter computed last time (the band's tiles), for stats and tests. */
  bandPixels = 0;
  private tiles = new Uint16Array(0);
  private sums = new Float64Array(0);
  private coef = new Float32Array(0);
  private curve = new Uint8Array(256);
  private curveKey = '';

  /** `kernel`: the wasm filter where the realm runs it (the same bytes); the JS below otherwise. */
  constructor(private readonly kernel: BandKernel | null = null) {}

  get haveAlpha(): boolean {
    return this.alpha.length > 0 && this.alpha.length === this.width * this.height;
  }

  refine(input: BandRefineInput, options: BandRefineOptions = BAND_REFINE): Uint8Array {
    const { alpha, guide, width: W, height: H } = input;
    if (W < 1 || H < 1 || alpha.length !== W * H || guide.length !== W * H * 4)
      throw new RangeError('BandRefiner: sizes do not match');
    const r = Math.max(1, Math.round(options.radius));
    const eps = Math.max(1e-6, options.eps);
    if (this.width !== W || this.height !== H || this.alpha.length !== W * H) {
      this.width = W;
      this.height = H;
      this.alpha = new Uint8Array(W * H);
    }
    this.buildCurve(options);
    const curve = this.curve;
    const out = this.alpha;
    const pixels = this.kernel?.bandRefine(alpha, guide, W, H, r, eps, curve, out) ?? null;
    if (pixels !== null) {
      this.bandPixels = pixels;
      return out;
    }
    const tw = Math.ceil(W / BAND_TILE);
    const th = Math.ceil(H / BAND_TILE);
    const fill = this.markTiles(alpha, W, H, 2 * r, tw, th);
    this.bandPixels = 0;
    for (let ty = 0; ty < th; ty++) {
      const y0 = ty * BAND_TILE;
      const y1 = Math.min(H, y0 + BAND_TILE);
      let tx = 0;
      while (tx < tw) {
        const value = fill[ty * tw + tx]!;
        if (value !== BAND) {
          const v = curve[value]!;
          for (let y = y0; y < y1; y++)
            out.fill(v, y * W + tx * BAND_TILE, y * W + Math.min(W, (tx + 1) * BAND_TILE));
          tx++;
          continue;
        }
        let end = tx + 1;
        while (end < tw && fill[ty * tw + end] === BAND) end++;
        const x0 = tx * BAND_TILE;
        const x1 = Math.min(W, end * BAND_TILE);
        this.filterRun(input, { x0, x1, y0, y1 }, r, eps);
        this.bandPixels += (x1 - x0) * (y1 - y0);
        tx = end;
      }
    }
    return out;
  }

  private buildCurve(options: BandRefineOptions): void {
    const key = `${options.centre}:${options.softness}`;
    if (key === this.curveKey) return;
    const lo = options.centre - Math.max(1e-3, options.softness);
    const hi = options.centre + Math.max(1e-3, options.softness);
    for (let i = 0; i < 256; i++) {
      const t = Math.min(1, Math.max(0, (i / 255 - lo) / (hi - lo)));
      this.curve[i] = Math.round(t * t * (3 - 2 * t) * 255);
    }
    this.curveKey = key;
  }

  /**
   * Per tile: the alpha when every working pixel within `reach` of the tile has that one value, else BAND. A
   * reach of 2r is the filter's own: where the alpha is flat that far around, the filter gives it back as it is.
   */
  private markTiles(
    alpha: Uint8Array,
    W: number,
    H: number,
    reach: number,
    tw: number,
    th: number,
  ): Uint16Array {
    if (this.tiles.length < tw * th) this.tiles = new Uint16Array(tw * th);
    const fill = this.tiles;
    for (let ty = 0; ty < th; ty++) {
      const y0 = Math.max(0, ty * BAND_TILE - reach);
      const y1 = Math.min(H - 1, (ty + 1) * BAND_TILE - 1 + reach);
      for (let tx = 0; tx < tw; tx++) {
        const x0 = Math.max(0, tx * BAND_TILE - reach);
        const x1 = Math.min(W - 1, (tx + 1) * BAND_TILE - 1 + reach);
        const first = alpha[y0 * W + x0]!;
        let flat = true;
        for (let y = y0; y <= y1 && flat; y++) {
          for (let i = y * W + x0, end = y * W + x1; i <= end; i++) {
            if (alpha[i] !== first) {
              flat = false;
              break;
            }
          }
        }
        fill[ty * tw + tx] = flat ? first : BAND;
      }
    }
    return fill;
  }

  /**
   * The guided filter over one run of band tiles (output rectangle x0..x1 x y0..y1): window sums from integral
   * images over the rectangle grown by 2r, the linear coefficients a (3) and b over the rectangle grown by r,
   * their window means, then alpha = curve(mean(a) . I + mean(b)) on the rectangle.
   */
  private filterRun(
    input: BandRefineInput,
    rect: { x0: number; x1: number; y0: number; y1: number },
    r: number,
    eps: number,
  ): void {
    const { alpha, guide, width: W, height: H } = input;
    const out = this.alpha;
    const curve = this.curve;
    const sx0 = Math.max(0, rect.x0 - 2 * r);
    const sx1 = Math.min(W, rect.x1 + 2 * r);
    const sy0 = Math.max(0, rect.y0 - 2 * r);
    const sy1 = Math.min(H, rect.y1 + 2 * r);
    const sw = sx1 - sx0;
    const sh = sy1 - sy0;
    const cx0 = Math.max(0, rect.x0 - r);
    const cx1 = Math.min(W, rect.x1 + r);
    const cy0 = Math.max(0, rect.y0 - r);
    const cy1 = Math.min(H, rect.y1 + r);
    const cw = cx1 - cx0;
    const ch = cy1 - cy0;
    const stride = sw + 1;
    const plane = stride * (sh + 1);
    if (this.sums.length < plane * PLANES) this.sums = new Float64Array(plane * PLANES);
    if (this.sums.length < (cw + 1) * (ch + 1) * 4) this.sums = new Float64Array((cw + 1) * (ch + 1) * 4);
    if (this.coef.length < cw * ch * 4) this.coef = new Float32Array(cw * ch * 4);
    const S = this.sums;
    S.fill(0, 0, stride * PLANES);
    // Planes interleaved (13 sums per pixel, one cache line or two): the row above is one stride back.
    const rowStep = stride * PLANES;
    for (let y = 0; y < sh; y++) {
      let k = (y + 1) * rowStep;
      S.fill(0, k, k + PLANES);
      k += PLANES;
      let r0 = 0;
      let r1 = 0;
      let r2 = 0;
      let r3 = 0;
      let r4 = 0;
      let r5 = 0;
      let r6 = 0;
      let r7 = 0;
      let r8 = 0;
      let r9 = 0;
      let r10 = 0;
      let r11 = 0;
      let r12 = 0;
      const src = (y + sy0) * W + sx0;
      for (let x = 0; x < sw; x++, k += PLANES) {
        const i = src + x;
        const R = guide[i * 4]!;
        const G = guide[i * 4 + 1]!;
        const B = guide[i * 4 + 2]!;
        const A = alpha[i]!;
        r0 += R;
        r1 += G;
        r2 += B;
        r3 += A;
        r4 += R * A;
        r5 += G * A;
        r6 += B * A;
        r7 += R * R;
        r8 += R * G;
        r9 += R * B;
        r10 += G * G;
        r11 += G * B;
        r12 += B * B;
        const u = k - rowStep;
        S[k] = S[u]! + r0;
        S[k + 1] = S[u + 1]! + r1;
        S[k + 2] = S[u + 2]! + r2;
        S[k + 3] = S[u + 3]! + r3;
        S[k + 4] = S[u + 4]! + r4;
        S[k + 5] = S[u + 5]! + r5;
        S[k + 6] = S[u + 6]! + r6;
        S[k + 7] = S[u + 7]! + r7;
        S[k + 8] = S[u + 8]! + r8;
        S[k + 9] = S[u + 9]! + r9;
        S[k + 10] = S[u + 10]! + r10;
        S[k + 11] = S[u + 11]! + r11;
        S[k + 12] = S[u + 12]! + r12;
      }
    }
    // Coefficients a = (Sigma + eps U)^-1 cov(I, p) and b = mean(p) - a . mean(I), per pixel of the grown rectangle.
    const coef = this.coef;
    const cplane = cw * ch;
    for (let y = cy0; y < cy1; y++) {
      const wy0 = Math.max(0, y - r) - sy0;
      const wy1 = Math.min(H, y + r + 1) - sy0;
      const t = wy0 * stride;
      const b = wy1 * stride;
      const ny = wy1 - wy0;
      for (let x = cx0; x < cx1; x++) {
        const wx0 = Math.max(0, x - r) - sx0;
        const wx1 = Math.min(W, x + r + 1) - sx0;
        const inv = 1 / (ny * (wx1 - wx0));
        const k1 = (b + wx1) * PLANES;
        const k2 = (b + wx0) * PLANES;
        const k3 = (t + wx1) * PLANES;
        const k4 = (t + wx0) * PLANES;
        const mR = (S[k1 + 0]! - S[k2 + 0]! - S[k3 + 0]! + S[k4 + 0]!) * inv;
        const mG = (S[k1 + 1]! - S[k2 + 1]! - S[k3 + 1]! + S[k4 + 1]!) * inv;
        const mB = (S[k1 + 2]! - S[k2 + 2]! - S[k3 + 2]! + S[k4 + 2]!) * inv;
        const mA = (S[k1 + 3]! - S[k2 + 3]! - S[k3 + 3]! + S[k4 + 3]!) * inv;
        const cR = (S[k1 + 4]! - S[k2 + 4]! - S[k3 + 4]! + S[k4 + 4]!) * inv - mR * mA;
        const cG = (S[k1 + 5]! - S[k2 + 5]! - S[k3 + 5]! + S[k4 + 5]!) * inv - mG * mA;
        const cB = (S[k1 + 6]! - S[k2 + 6]! - S[k3 + 6]! + S[k4 + 6]!) * inv - mB * mA;
        const rr = (S[k1 + 7]! - S[k2 + 7]! - S[k3 + 7]! + S[k4 + 7]!) * inv - mR * mR + eps;
        const rg = (S[k1 + 8]! - S[k2 + 8]! - S[k3 + 8]! + S[k4 + 8]!) * inv - mR * mG;
        const rb = (S[k1 + 9]! - S[k2 + 9]! - S[k3 + 9]! + S[k4 + 9]!) * inv - mR * mB;
        const gg = (S[k1 + 10]! - S[k2 + 10]! - S[k3 + 10]! + S[k4 + 10]!) * inv - mG * mG + eps;
        const gb = (S[k1 + 11]! - S[k2 + 11]! - S[k3 + 11]! + S[k4 + 11]!) * inv - mG * mB;
        const bb = (S[k1 + 12]! - S[k2 + 12]! - S[k3 + 12]! + S[k4 + 12]!) * inv - mB * mB + eps;
        // The symmetric 3x3 inverse by cofactors (positive definite: eps > 0).
        const i00 = gg * bb - gb * gb;
        const i01 = gb * rb - rg * bb;
        const i02 = rg * gb - gg * rb;
        const i11 = rr * bb - rb * rb;
        const i12 = rb * rg - rr * gb;
        const i22 = rr * gg - rg * rg;
        const det = 1 / (rr * i00 + rg * i01 + rb * i02);
        const aR = (i00 * cR + i01 * cG + i02 * cB) * det;
        const aG = (i01 * cR + i11 * cG + i12 * cB) * det;
        const aB = (i02 * cR + i12 * cG + i22 * cB) * det;
        const c = (y - cy0) * cw + x - cx0;
        coef[c] = aR;
        coef[cplane + c] = aG;
        coef[2 * cplane + c] = aB;
        coef[3 * cplane + c] = mA - aR * mR - aG * mG - aB * mB;
      }
    }
    // Integral images of the four coefficients over the grown rectangle (reusing the first sum planes).
    const cstride = cw + 1;
    const aplane = cstride * (ch + 1);
    for (let k = 0; k < 4; k++) S.fill(0, k * aplane, k * aplane + cstride);
    for (let y = 0; y < ch; y++) {
      const o = (y + 1) * cstride;
      const above = y * cstride;
      for (let k = 0; k < 4; k++) {
        const off = k * aplane;
        const src = k * cplane + y * cw;
        S[off + o] = 0;
        let acc = 0;
        for (let x = 0; x < cw; x++) {
          acc += coef[src + x]!;
          S[off + o + x + 1] = S[off + above + x + 1]! + acc;
        }
      }
    }
    for (let y = rect.y0; y < rect.y1; y++) {
      const wy0 = Math.max(0, y - r) - cy0;
      const wy1 = Math.min(H, y + r + 1) - cy0;
      const t = wy0 * cstride;
      const b = wy1 * cstride;
      const ny = wy1 - wy0;
      for (let x = rect.x0; x < rect.x1; x++) {
        const wx0 = Math.max(0, x - r) - cx0;
        const wx1 = Math.min(W, x + r + 1) - cx0;
        const inv = 1 / (ny * (wx1 - wx0));
        const k1 = b + wx1;
        const k2 = b + wx0;
        const k3 = t + wx1;
        const k4 = t + wx0;
        const aR = (S[k1]! - S[k2]! - S[k3]! + S[k4]!) * inv;
        const aG = (S[aplane + k1]! - S[aplane + k2]! - S[aplane + k3]! + S[aplane + k4]!) * inv;
        const aB =
          (S[2 * aplane + k1]! - S[2 * aplane + k2]! - S[2 * aplane + k3]! + S[2 * aplane + k4]!) * inv;
        const bm =
          (S[3 * aplane + k1]! - S[3 * aplane + k2]! - S[3 * aplane + k3]! + S[3 * aplane + k4]!) * inv;
        const i = y * W + x;
        const q = aR * guide[i * 4]! + aG * guide[i * 4 + 1]! + aB * guide[i * 4 + 2]! + bm;
        out[i] = curve[q <= 0 ? 0 : q >= 255 ? 255 : (q + 0.5) | 0]!;
      }
    }
  }
}

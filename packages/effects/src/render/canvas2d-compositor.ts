import { EffectError } from '../errors.js';
import type { QualityLevel } from '../mask/budget.js';
import { coverCrop, privacySize } from '../mask/geometry.js';
import { blurParams, EDGE, smoothstep } from '../mask/kernels.js';
import { smoothMaskInPlace } from '../mask/smoothing.js';
import { type CompositeParams, type Compositor, MODEL_INPUT } from './compositor.js';
import { type FrameSource, sourceSize } from './source-stage.js';

type Ctx = OffscreenCanvasRenderingContext2D;

function context(canvas: OffscreenCanvas, willRead = false): Ctx {
  const ctx = canvas.getContext('2d', { willReadFrequently: willRead }) as Ctx | null;
  if (!ctx) throw EffectError.unsupported('neither WebGL2 nor a 2D canvas is available');
  return ctx;
}

const toHex = (c: number) =>
  Math.round(c * 255)
    .toString(16)
    .padStart(2, '0');

/**
 * The slow path for realms without WebGL2: Canvas2D compositing, temporal smoothing on the CPU at model
 * resolution and a smooth (bilinear) upscale of the mask instead of the joint bilateral filter. The blur
 * uses the canvas `filter` where the browser has it, a heavy downscale otherwise.
 */
export function createCanvas2DCompositor(canvas: OffscreenCanvas): Compositor {
  const ctx = context(canvas);
  const frame = new OffscreenCanvas(1, 1);
  const frameCtx = context(frame);
  const low = new OffscreenCanvas(MODEL_INPUT.width, MODEL_INPUT.height);
  const lowCtx = context(low, true);
  const maskLow = new OffscreenCanvas(MODEL_INPUT.width, MODEL_INPUT.height);
  const maskLowCtx = context(maskLow, true);
  const alpha = new OffscreenCanvas(1, 1);
  const alphaCtx = context(alpha, true);
  const person = new OffscreenCanvas(1, 1);
  const personCtx = context(person);
  const tiny = new OffscreenCanvas(1, 1);
  const tinyCtx = context(tiny);
  const hasFilter = 'filter' in ctx;
  let lowNow: Uint8ClampedArray | null = null;
  let lowPrev: Uint8ClampedArray | null = null;
  let mask: { data: Float32Array; width: number; height: number } | null = null;
  let smoothed: Float32Array | null = null;
  let background: ImageBitmap | null = null;
  let refinedOnce = false;
  let size = { width: 1, height: 1 };

  const drawPrivacy = () => {
    ctx.globalCompositeOperation = 'source-over';
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(tiny, 0, 0, size.width, size.height);
    ctx.fillStyle = 'rgba(31,31,31,0.5)';
    ctx.fillRect(0, 0, size.width, size.height);
  };

  return {
    runtime: 'canvas2d',
    canvas,
    prepare(source: FrameSource) {
      size = sourceSize(source);
      for (const c of [canvas, frame, person]) {
        if (c.width !== size.width || c.height !== size.height) {
          c.width = size.width;
          c.height = size.height;
        }
      }
      frameCtx.drawImage(source as CanvasImageSource, 0, 0);
      lowCtx.drawImage(source as CanvasImageSource, 0, 0, low.width, low.height);
      lowPrev = lowNow;
      lowNow = lowCtx.getImageData(0, 0, low.width, low.height).data;
      const t = privacySize(size.width, size.height);
      if (tiny.width !== t.width || tiny.height !== t.height) {
        tiny.width = t.width;
        tiny.height = t.height;
      }
      tinyCtx.imageSmoothingQuality = 'high';
      tinyCtx.drawImage(low, 0, 0, t.width, t.height);
    },
    modelInput() {
      if (!lowNow) throw EffectError.invalidState('modelInput() before prepare()');
      return new ImageData(new Uint8ClampedArray(lowNow), low.width, low.height);
    },
    setMask(data, width, height) {
      mask = { data, width, height };
    },
    refine(quality: QualityLevel) {
      if (!mask || !lowNow) throw EffectError.invalidState('refine() before any mask');
      if (mask.width !== low.width || mask.height !== low.height)
        throw new EffectError('render_failed', 'unexpected mask size');
      const current = new Float32Array(mask.data);
      smoothMaskInPlace(current, refinedOnce ? smoothed : null, lowNow, refinedOnce ? lowPrev : null);
      smoothed = current;
      refinedOnce = true;
      const image = maskLowCtx.createImageData(low.width, low.height);
      for (let i = 0; i < current.length; i++)
        image.data[i * 4 + 3] = smoothstep(EDGE.low, EDGE.high, current[i]!) * 255;
      maskLowCtx.putImageData(image, 0, 0);
      const w = Math.max(1, Math.round(size.width * quality.refineScale));
      const h = Math.max(1, Math.round(size.height * quality.refineScale));
      if (alpha.width !== w || alpha.height !== h) {
        alpha.width = w;
        alpha.height = h;
      }
      alphaCtx.clearRect(0, 0, w, h);
      alphaCtx.imageSmoothingEnabled = true;
      alphaCtx.imageSmoothingQuality = 'high';
      alphaCtx.drawImage(maskLow, 0, 0, w, h);
    },
    composite(params: CompositeParams) {
      let mode = params.mode;
      if (mode !== 'none' && mode !== 'privacy' && !refinedOnce) mode = 'privacy';
      if (mode === 'replace' && !background) mode = 'privacy';
      ctx.filter = 'none';
      ctx.globalCompositeOperation = 'source-over';
      if (mode === 'none') {
        ctx.drawImage(frame, 0, 0);
        return;
      }
      if (mode === 'privacy') {
        drawPrivacy();
        return;
      }
      personCtx.globalCompositeOperation = 'source-over';
      personCtx.clearRect(0, 0, size.width, size.height);
      personCtx.drawImage(frame, 0, 0);
      personCtx.globalCompositeOperation = 'destination-in';
      personCtx.drawImage(alpha, 0, 0, size.width, size.height);
      personCtx.globalCompositeOperation = 'source-over';
      if (mode === 'blur') {
        if (hasFilter) {
          ctx.filter = `blur(${blurParams(params.strength, size.height, 1, 9).sigma.toFixed(1)}px)`;
          ctx.drawImage(frame, 0, 0);
          ctx.filter = 'none';
        } else {
          drawPrivacy();
        }
      } else if (mode === 'replace' && background) {
        const r = coverCrop(background.width, background.height, size.width, size.height);
        ctx.drawImage(
          background,
          r.x * background.width,
          r.y * background.height,
          r.width * background.width,
          r.height * background.height,
          0,
          0,
          size.width,
          size.height,
        );
      } else {
        ctx.fillStyle = `#${toHex(params.color[0])}${toHex(params.color[1])}${toHex(params.color[2])}`;
        ctx.fillRect(0, 0, size.width, size.height);
      }
      ctx.drawImage(person, 0, 0);
    },
    readAlpha() {
      const data = alphaCtx.getImageData(0, 0, alpha.width, alpha.height).data;
      const out = new Uint8Array(alpha.width * alpha.height);
      for (let i = 0; i < out.length; i++) out[i] = data[i * 4 + 3]!;
      return { width: alpha.width, height: alpha.height, data: out };
    },
    setBackground(image) {
      background = image;
    },
    resetTemporal() {
      refinedOnce = false;
    },
    dispose() {
      background = null;
      mask = null;
      smoothed = null;
      for (const c of [frame, low, maskLow, alpha, person, tiny]) {
        c.width = 1;
        c.height = 1;
      }
    },
  };
}

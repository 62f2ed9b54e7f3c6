import { EffectError } from '../errors.js';
import { maskWeightedBlur } from '../mask/blur.js';
import type { QualityLevel } from '../mask/budget.js';
import { CpuRefiner, workingSize } from '../mask/cpu-refiner.js';
import { coverCrop, privacySize } from '../mask/geometry.js';
import { blurParams, blurWorkScale } from '../mask/kernels.js';
import { lightWrapAlpha } from '../mask/light-wrap.js';
import {
  type Composition,
  type Compositor,
  drawable,
  LIGHT_WRAP_STRENGTH,
  MODEL_INPUT,
} from './compositor.js';
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
 * The Canvas2D back end: for realms without WebGL2, and where software GL is slower than the CPU raster
 * (chosen by measurement). Joint bilateral upsampling and temporal smoothing run on the CPU at a working
 * resolution; the canvas scales the result to the output. The background blur is mask-weighted on the CPU at
 * reduced size (no halo) and scaled up; a replaced background gets light wrapping like the WebGL2 path.
 */
export function createCanvas2DCompositor(canvas: OffscreenCanvas): Compositor {
  const ctx = context(canvas);
  let current: OffscreenCanvas | null = null;
  const frameCopy = new OffscreenCanvas(1, 1);
  const frameCopyCtx = context(frameCopy);
  const work = new OffscreenCanvas(1, 1);
  const workCtx = context(work, true);
  const small = new OffscreenCanvas(1, 1);
  const smallCtx = context(small, true);
  const low = new OffscreenCanvas(MODEL_INPUT.width, MODEL_INPUT.height);
  const lowCtx = context(low, true);
  // The model input: an area-averaged reduction like the WebGL2 path's. The default ('low', bilinear) aliases
  // at 720p -> 256x144, and the model's mask flickers with the aliasing.
  lowCtx.imageSmoothingQuality = 'high';
  const alpha = new OffscreenCanvas(1, 1);
  const alphaCtx = context(alpha, true);
  const person = new OffscreenCanvas(1, 1);
  const personCtx = context(person);
  const tiny = new OffscreenCanvas(1, 1);
  const tinyCtx = context(tiny);
  const smallAlpha = new OffscreenCanvas(1, 1);
  const smallAlphaCtx = context(smallAlpha, true);
  let alphaImage: ImageData | null = null;
  // Light wrapping: a very blurred copy of the background, masked to a band just inside the person's edge.
  const bgSoft = new OffscreenCanvas(1, 1);
  const bgSoftCtx = context(bgSoft);
  let bgSoftFor: { image: ImageBitmap; width: number; height: number } | null = null;
  const wrapMask = new OffscreenCanvas(1, 1);
  const wrapMaskCtx = context(wrapMask);
  const wrapLayer = new OffscreenCanvas(1, 1);
  const wrapLayerCtx = context(wrapLayer);
  let wrapImage: ImageData | null = null;

  const drawLightWrap = (image: ImageBitmap) => {
    if (!alphaImage) return;
    const sw = Math.max(1, Math.round(size.width / 16));
    const sh = Math.max(1, Math.round(size.height / 16));
    if (!bgSoftFor || bgSoftFor.image !== image || bgSoftFor.width !== sw || bgSoftFor.height !== sh) {
      bgSoft.width = sw;
      bgSoft.height = sh;
      const r = coverCrop(image.width, image.height, size.width, size.height);
      bgSoftCtx.imageSmoothingQuality = 'high';
      bgSoftCtx.drawImage(
        image,
        r.x * image.width,
        r.y * image.height,
        r.width * image.width,
        r.height * image.height,
        0,
        0,
        sw,
        sh,
      );
      bgSoftFor = { image, width: sw, height: sh };
    }
    const { width: w, height: h } = alphaImage;
    if (wrapMask.width !== w || wrapMask.height !== h) {
      wrapMask.width = w;
      wrapMask.height = h;
    }
    if (!wrapImage || wrapImage.width !== w || wrapImage.height !== h)
      wrapImage = wrapMaskCtx.createImageData(w, h);
    const band = lightWrapAlpha({
      alpha: alphaImage.data,
      stride: 4,
      offset: 3,
      width: w,
      height: h,
      radius: 0.012 * Math.max(w, h),
      strength: LIGHT_WRAP_STRENGTH,
    });
    for (let i = 0; i < band.length; i++) wrapImage.data[i * 4 + 3] = band[i]!;
    wrapMaskCtx.putImageData(wrapImage, 0, 0);
    if (wrapLayer.width !== size.width || wrapLayer.height !== size.height) {
      wrapLayer.width = size.width;
      wrapLayer.height = size.height;
    }
    wrapLayerCtx.globalCompositeOperation = 'source-over';
    wrapLayerCtx.imageSmoothingEnabled = true;
    wrapLayerCtx.drawImage(bgSoft, 0, 0, size.width, size.height);
    wrapLayerCtx.globalCompositeOperation = 'destination-in';
    wrapLayerCtx.drawImage(wrapMask, 0, 0, size.width, size.height);
    wrapLayerCtx.globalCompositeOperation = 'source-over';
    ctx.drawImage(wrapLayer, 0, 0);
  };
  let lowNow: Uint8ClampedArray | null = null;
  /** Another model's input size (the square model's): drawn on demand, and the guide its masks come with. */
  const other = new OffscreenCanvas(1, 1);
  const otherCtx = context(other, true);
  otherCtx.imageSmoothingQuality = 'high';
  let otherNow: Uint8ClampedArray | null = null;
  /** The pixels modelInput() last gave this frame; a mask set after it is refined with them as its low guide. */
  let lastInput: Uint8ClampedArray | null = null;
  let maskGuide: Uint8ClampedArray | null = null;
  let mask: { data: Float32Array; width: number; height: number } | null = null;
  const refiner = new CpuRefiner();
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
    renderer: 'canvas2d',
    canvas,
    prepare(source: FrameSource) {
      size = sourceSize(source);
      // Convert the camera frame (often YUV) to RGB once; every later draw reads this copy.
      current = frameCopy;
      for (const c of [canvas, frameCopy]) {
        if (c.width !== size.width || c.height !== size.height) {
          c.width = size.width;
          c.height = size.height;
        }
      }
      frameCopyCtx.drawImage(source as CanvasImageSource, 0, 0);
      lowCtx.drawImage(frameCopy, 0, 0, low.width, low.height);
      lowNow = lowCtx.getImageData(0, 0, low.width, low.height).data;
      otherNow = null;
      lastInput = null;
      const t = privacySize(size.width, size.height);
      if (tiny.width !== t.width || tiny.height !== t.height) {
        tiny.width = t.width;
        tiny.height = t.height;
      }
      tinyCtx.imageSmoothingQuality = 'high';
      tinyCtx.drawImage(low, 0, 0, t.width, t.height);
    },
    modelInput(input = MODEL_INPUT) {
      if (!lowNow) throw EffectError.invalidState('modelInput() before prepare()');
      if (input.width === low.width && input.height === low.height) {
        lastInput = lowNow;
        return new ImageData(new Uint8ClampedArray(lowNow), low.width, low.height);
      }
      if (!otherNow || other.width !== input.width || other.height !== input.height) {
        if (other.width !== input.width || other.height !== input.height) {
          other.width = input.width;
          other.height = input.height;
          otherCtx.imageSmoothingQuality = 'high';
        }
        // NOTE: synchronous draw and readback at the model's input size; only on frames that run that model.
        otherCtx.drawImage(frameCopy, 0, 0, input.width, input.height);
        otherNow = otherCtx.getImageData(0, 0, input.width, input.height).data;
      }
      lastInput = otherNow;
      return new ImageData(new Uint8ClampedArray(otherNow), input.width, input.height);
    },
    setMask(data, width, height) {
      mask = { data, width, height };
      maskGuide = lastInput && lastInput.length === width * height * 4 ? lastInput : null;
    },
    refine(quality: QualityLevel) {
      if (!mask || !lowNow || !current) throw EffectError.invalidState('refine() before any mask');
      // The landscape model's mask is refined with this frame's low copy (as before other models existed);
      // another model's with the input it came from.
      const landscape = mask.width === low.width && mask.height === low.height;
      const guideLow = landscape ? lowNow : maskGuide;
      if (!guideLow || guideLow.length !== mask.width * mask.height * 4)
        throw new EffectError('render_failed', 'the mask does not match its model input');
      const { w, h } = workingSize(size.width, size.height, quality.refineScale);
      if (work.width !== w || work.height !== h) {
        work.width = w;
        work.height = h;
      }
      workCtx.drawImage(current as CanvasImageSource, 0, 0, w, h);
      // NOTE: synchronous CPU work, ~1-5 ms at 384x288 (most pixels take the flat shortcut).
      const a = refiner.refine({
        mask: mask.data,
        maskWidth: mask.width,
        maskHeight: mask.height,
        guideLow,
        guideHigh: workCtx.getImageData(0, 0, w, h).data,
        width: w,
        height: h,
        radius: quality.bilateralRadius,
      });
      refinedOnce = true;
      if (alpha.width !== w || alpha.height !== h) {
        alpha.width = w;
        alpha.height = h;
      }
      if (!alphaImage || alphaImage.width !== w || alphaImage.height !== h)
        alphaImage = alphaCtx.createImageData(w, h);
      const out = alphaImage.data;
      for (let i = 0; i < a.length; i++) out[i * 4 + 3] = a[i]!;
      alphaCtx.putImageData(alphaImage, 0, 0);
    },
    composite(wanted: Composition, quality: QualityLevel) {
      const composition = drawable(wanted, { haveAlpha: refinedOnce, haveBackground: background !== null });
      ctx.filter = 'none';
      ctx.globalCompositeOperation = 'source-over';
      const frame = current as CanvasImageSource | null;
      if (!frame) throw EffectError.invalidState('composite() before prepare()');
      if (composition.kind === 'none') {
        ctx.drawImage(frame, 0, 0);
        return;
      }
      if (composition.kind === 'privacy') {
        drawPrivacy();
        return;
      }
      // Straight onto the output, three full-size passes: the mask, the camera inside it, the background
      // behind it.
      ctx.imageSmoothingEnabled = true;
      ctx.globalCompositeOperation = 'copy';
      ctx.drawImage(alpha, 0, 0, size.width, size.height);
      ctx.globalCompositeOperation = 'source-in';
      ctx.drawImage(frame, 0, 0);
      ctx.globalCompositeOperation = 'destination-over';
      if (composition.kind === 'blur') {
        // Mask-weighted blur on the CPU at a quarter of the refinement's blur scale (coarser for a strong blur,
        // blurWorkScale): no halo, any browser.
        const scale = blurWorkScale(quality.blurScale / 2, composition.strength, size.height);
        const sw = Math.max(1, Math.round(size.width * scale));
        const sh = Math.max(1, Math.round(size.height * scale));
        for (const c of [small, smallAlpha]) {
          if (c.width !== sw || c.height !== sh) {
            c.width = sw;
            c.height = sh;
          }
        }
        smallCtx.drawImage(frame, 0, 0, sw, sh);
        const pixels = smallCtx.getImageData(0, 0, sw, sh);
        smallAlphaCtx.clearRect(0, 0, sw, sh);
        smallAlphaCtx.drawImage(alpha, 0, 0, sw, sh);
        const a = smallAlphaCtx.getImageData(0, 0, sw, sh).data;
        const weights = new Uint8Array(sw * sh);
        for (let i = 0; i < weights.length; i++) weights[i] = a[i * 4 + 3]!;
        // NOTE: synchronous CPU work, ~1-2 ms at 160x120 (running sums: cost does not grow with the radius).
        maskWeightedBlur({
          rgba: pixels.data,
          alpha: weights,
          width: sw,
          height: sh,
          sigma: blurParams(composition.strength, size.height, scale, 9).sigma,
          out: pixels.data,
        });
        smallCtx.putImageData(pixels, 0, 0);
        ctx.imageSmoothingEnabled = true;
        ctx.drawImage(small, 0, 0, size.width, size.height);
      } else if (composition.kind === 'replace' && background) {
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
      } else if (composition.kind === 'remove') {
        const [r, g, b] = composition.color;
        ctx.fillStyle = `#${toHex(r)}${toHex(g)}${toHex(b)}`;
        ctx.fillRect(0, 0, size.width, size.height);
      }
      ctx.globalCompositeOperation = 'source-over';
      if (composition.kind === 'replace' && background) drawLightWrap(background);
    },
    outputFrame(timestamp: number) {
      return new VideoFrame(canvas, { timestamp });
    },
    outputBitmap() {
      return canvas.transferToImageBitmap();
    },
    readAlpha() {
      // At the frame's own size: the refined alpha scaled up exactly as composite() scales it.
      person.width = size.width;
      person.height = size.height;
      personCtx.clearRect(0, 0, size.width, size.height);
      personCtx.imageSmoothingEnabled = true;
      personCtx.drawImage(alpha, 0, 0, size.width, size.height);
      const data = personCtx.getImageData(0, 0, size.width, size.height).data;
      const out = new Uint8Array(size.width * size.height);
      for (let i = 0; i < out.length; i++) out[i] = data[i * 4 + 3]!;
      return { width: size.width, height: size.height, data: out };
    },
    setBackground(image) {
      background = image;
      bgSoftFor = null;
    },
    resetTemporal() {
      refinedOnce = false;
      refiner.reset();
    },
    dispose() {
      background = null;
      mask = null;
      refiner.reset();
      current = null;
      for (const c of [
        frameCopy,
        work,
        small,
        smallAlpha,
        low,
        other,
        alpha,
        person,
        tiny,
        bgSoft,
        wrapMask,
        wrapLayer,
      ]) {
        c.width = 1;
        c.height = 1;
      }
    },
  };
}

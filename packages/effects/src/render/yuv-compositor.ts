import { EffectError } from '../errors.js';
import { hasWasmSimd } from '../features.js';
import { BandRefiner } from '../mask/band-refine.js';
import { maskWeightedBlur } from '../mask/blur.js';
import type { QualityLevel } from '../mask/budget.js';
import { CpuRefiner, workingSize } from '../mask/cpu-refiner.js';
import { coverCrop, privacySize } from '../mask/geometry.js';
import { blurParams, blurWorkScale } from '../mask/kernels.js';
import { i420ToRgba, packedRgbToI420, rgbOrderOf } from '../mask/rgb-i420.js';
import { createWasmKernels } from '../mask/wasm/wasm-kernels.js';
import {
  createI420,
  deinterleaveUv,
  downsampleI420,
  downsamplePacked,
  downsamplePlane,
  type I420,
  packedYuvToRgba,
  rgbaToI420,
  rgbToYuv,
  shrinkI420,
  type YuvColour,
  yuvColour,
} from '../mask/yuv.js';
import {
  compositeI420,
  darkenPackedYuv,
  upsamplePlane,
  type YuvCompositeInput,
} from '../mask/yuv-composite.js';
import { type Composition, type Compositor, drawable, MODEL_INPUT } from './compositor.js';
import { scaledSize } from './frame-scaler.js';
import { type FrameSource, sourceSize } from './source-stage.js';

/** How RGB sources (canvas, Firefox's RGBX frames) are converted to YUV: BT.709, limited range. */
const RGB_SOURCE_COLOUR: YuvColour = yuvColour('bt709', false);
/** The colour space written on frames made from RGB sources (RGB_SOURCE_COLOUR's). */
const RGB_SOURCE_SPACE: VideoColorSpaceInit = {
  matrix: 'bt709',
  primaries: 'bt709',
  transfer: 'bt709',
  fullRange: false,
};

/** Whether this realm can build frames from YUV bytes (the YUV back end's output). */
export function yuvCompositorSupported(): boolean {
  return typeof VideoFrame === 'function' && typeof OffscreenCanvas === 'function';
}

/**
 * The YUV back end: the whole frame stays in the camera's own format (I420; NV12 is split into planes). The
 * model input, the refinement guide and the small blurred background are box-averaged straight from the
 * planes; the composite blends person and background plane by plane; the output frame is built from the bytes.
 * No full-resolution RGB conversion, no canvas raster, no readback. A source that is not YUV (an RGB frame, an
 * ImageBitmap) is converted once, through a canvas.
 */
export function createYuvCompositor(
  canvas: OffscreenCanvas,
  options: {
    /** 'js': the JS byte kernels even where wasm SIMD runs (tests, comparisons); default: wasm where it can. */
    kernels?: 'auto' | 'js';
  } = {},
): Compositor {
  // Chosen once: the box averages, the blur and the composite (over any background) run in wasm SIMD where the
  // realm has it. The working picture, the output and the replacement picture then live in the kernels'
  // memory, so nothing is copied in or out around them.
  const kernel = options.kernels !== 'js' && hasWasmSimd() ? createWasmKernels() : null;
  /** The composite over any background: the wasm kernel where it takes it, else the JS one. */
  const composite = (input: YuvCompositeInput) => {
    if (!kernel?.composite(input)) compositeI420(input);
  };
  /** downsampleI420 into `out`: the wasm kernel where it takes it, else the JS one. */
  const downsample = (
    src: I420,
    w: number,
    h: number,
    out: Uint8ClampedArray = new Uint8ClampedArray(w * h * 4),
  ): Uint8ClampedArray => {
    if (!kernel?.downsampleI420(src, w, h, out)) downsampleI420(src, w, h, out);
    return out;
  };
  /** downsamplePacked into `out`: the wasm kernel where it takes it, else the JS one. */
  const shrinkPacked = (
    pixels: Uint8ClampedArray,
    w: number,
    h: number,
    outW: number,
    outH: number,
    out: Uint8ClampedArray,
  ) => {
    if (!kernel?.downsamplePacked(pixels, w, h, outW, outH, out))
      downsamplePacked(pixels, w, h, outW, outH, out);
    return out;
  };
  /** downsamplePlane into `out`: the wasm kernel where it takes it, else the JS one. */
  const shrinkPlane = (
    plane: Uint8Array | Uint8ClampedArray,
    w: number,
    h: number,
    outW: number,
    outH: number,
    out: Uint8Array,
  ) => {
    if (!kernel?.downsamplePlane(plane, w, h, outW, outH, out)) downsamplePlane(plane, w, h, outW, outH, out);
    return out;
  };
  /** packedYuvToRgba in place in this frame's colour: the wasm kernel where it takes it, else the JS one. */
  const toRgba = (pixels: Uint8ClampedArray) => {
    if (!kernel?.packedYuvToRgba(pixels, colour)) packedYuvToRgba(pixels, colour);
    return pixels;
  };
  let current: I420 | null = null;
  /** The camera's full-size picture, when the budget works at a smaller scale (`current` is then shrunk). */
  let full: I420 | null = null;
  /** `full` when it is ours (not in the kernel's frame area), kept for the next frame of the same size. */
  let fullPicture: I420 | null = null;
  let output: I420 | null = null;
  let nv12: Uint8Array | null = null;
  /** An RGBX/BGRX camera frame's bytes (Firefox), reused. */
  let rgbBytes: Uint8Array | null = null;
  /** The output as RGBA for the frames pipeline's ImageBitmap, reused. */
  let outputRgba: ImageData | null = null;
  let colour: YuvColour = RGB_SOURCE_COLOUR;
  let colorSpace: VideoColorSpaceInit = RGB_SOURCE_SPACE;
  /** The frame at each model input size asked for (packed YUV scratch, RGBA), reused frame to frame. */
  const lows = new Map<
    string,
    { packed: Uint8ClampedArray; rgba: Uint8ClampedArray<ArrayBuffer>; image: ImageData; fresh: boolean }
  >();
  /** The RGBA model input modelInput() last gave for this frame (null: none yet this frame). */
  let lowRgba: Uint8ClampedArray | null = null;
  /** The frame at model resolution that the stored mask was computed from: the refinement's low guide. */
  let maskGuide: Uint8ClampedArray | null = null;
  /**
   * The current frame at the refinement's working size, still in Y, U, V (before its RGB conversion): the
   * blur's source, so the blur needs no pass of its own over the full picture. Null until refine() this frame.
   */
  let guideYuv: { pixels: Uint8ClampedArray; width: number; height: number } | null = null;
  let guideYuvBuffer = new Uint8ClampedArray(0);
  /** The blur's small picture and weights, reused frame to frame (they were ~0.5 MB of garbage per frame). */
  let blurPixels = new Uint8ClampedArray(0);
  let blurWeights = new Uint8Array(0);
  const guides = [new Uint8ClampedArray(0), new Uint8ClampedArray(0)];
  let guideIndex = 0;
  let mask: { data: Float32Array; width: number; height: number } | null = null;
  const refiner = new CpuRefiner(kernel);
  /** The outline's band refined again with a colour guided filter (levels with `bandRefine`). */
  const band = new BandRefiner(kernel);
  /** Whether this frame's alpha is the band refiner's (else the CPU refiner's as it is). */
  let bandFresh = false;
  /** The alpha the composite and readAlpha() use, at the working size. */
  const finalAlpha = () => (bandFresh && band.haveAlpha ? band : refiner);
  let background: ImageBitmap | null = null;
  let backgroundPicture: { image: ImageBitmap; picture: I420 } | null = null;
  let convert: OffscreenCanvas | null = null;
  let refinedOnce = false;

  /**
   * This frame at the refinement's working size, packed Y, U, V, A: one box-averaging pass over the full
   * picture per frame and size, shared by the model's input (modelInput with a refineScale), the refinement's
   * guide and the blur's source.
   */
  const frameGuide = (w: number, h: number) => {
    if (!current) throw EffectError.invalidState('frameGuide() before prepare()');
    if (guideYuv && guideYuv.width === w && guideYuv.height === h) return guideYuv;
    if (guideYuvBuffer.length !== w * h * 4) guideYuvBuffer = new Uint8ClampedArray(w * h * 4);
    downsample(current, w, h, guideYuvBuffer);
    guideYuv = { pixels: guideYuvBuffer, width: w, height: h };
    return guideYuv;
  };

  const picture = (width: number, height: number, old: I420 | null) =>
    old && old.width === width && old.height === height ? old : createI420(width, height);
  /**
   * The working picture (`which` 'src', the frame composited) or the output ('out'): in the kernel's memory
   * when there is a kernel (the same two until the size changes; a new size drops the old ones).
   */
  const kernelPicture = (width: number, height: number, old: I420 | null, which: 'src' | 'out') =>
    kernel ? kernel.pictures(width, height)[which] : picture(width, height, old);

  /** Draws an RGB source on a canvas and converts its pixels (the slow path, for non-YUV sources). */
  const rgbPixels = (draw: (ctx: OffscreenCanvasRenderingContext2D) => void, w: number, h: number) => {
    convert ??= new OffscreenCanvas(w, h);
    if (convert.width !== w || convert.height !== h) {
      convert.width = w;
      convert.height = h;
    }
    const ctx = convert.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw EffectError.unsupported('a 2D canvas is not available');
    draw(ctx);
    return ctx.getImageData(0, 0, w, h).data;
  };

  /**
   * Copies a VideoFrame's visible picture into `target`: 'yuv' (I420, NV12: the camera's own samples), 'rgb'
   * (RGBX/BGRX, Firefox's camera frames: their bytes converted here, BT.709), or null when the frame cannot be
   * read so (another format, a layout the browser refuses): the canvas path then.
   * NOTE: relies on copyTo writing CPU-backed frames before it returns (Chromium, Firefox), as the rest of the
   * frame is synchronous.
   */
  const copyFrame = (frame: VideoFrame, target: I420, rgbArea: Uint8Array | null): 'yuv' | 'rgb' | null => {
    const rect = frame.visibleRect ?? undefined;
    const luma = target.width * target.height;
    const chroma = target.chromaWidth * target.chromaHeight;
    try {
      if (frame.format === 'I420' || frame.format === 'I420A') {
        // Straight into our planes: the copy is the only pass over the frame.
        void frame.copyTo(target.data, {
          ...(rect ? { rect } : {}),
          layout: [
            { offset: 0, stride: target.width },
            { offset: luma, stride: target.chromaWidth },
            { offset: luma + chroma, stride: target.chromaWidth },
          ],
        } as VideoFrameCopyToOptions);
        return 'yuv';
      }
      if (frame.format === 'NV12') {
        if (!nv12 || nv12.length !== luma + 2 * chroma) nv12 = new Uint8Array(luma + 2 * chroma);
        void frame.copyTo(nv12, {
          ...(rect ? { rect } : {}),
          layout: [
            { offset: 0, stride: target.width },
            { offset: luma, stride: 2 * target.chromaWidth },
          ],
        } as VideoFrameCopyToOptions);
        target.y.set(nv12.subarray(0, luma));
        deinterleaveUv(nv12.subarray(luma), target.u, target.v);
        return 'yuv';
      }
      const order = rgbOrderOf(frame.format);
      if (order) {
        const stride = target.width * 4;
        // The kernel's frame area (sized for this frame) where there is a kernel, else our own buffer.
        if (!rgbArea && rgbBytes?.length !== stride * target.height)
          rgbBytes = new Uint8Array(stride * target.height);
        const pixels = rgbArea ?? rgbBytes!;
        void frame.copyTo(pixels, {
          ...(rect ? { rect } : {}),
          layout: [{ offset: 0, stride }],
        } as VideoFrameCopyToOptions);
        // NOTE: synchronous, one pass over the picture; replaces a canvas draw and readback. Firefox 640x480
        // (bench:speed, timers): copyTo ~5 ms, the JS conversion 1.9-2.2 ms, the kernel's 0.8-1.0 ms.
        if (!kernel?.rgbToI420(pixels, stride, order, target, RGB_SOURCE_COLOUR))
          packedRgbToI420(pixels, stride, order, target, RGB_SOURCE_COLOUR);
        return 'rgb';
      }
    } catch {
      // An odd visible rect or a layout the browser refuses: take the canvas path.
    }
    return null;
  };

  const backgroundFor = (size: { width: number; height: number }): I420 | null => {
    if (!background) return null;
    const image = background;
    if (
      backgroundPicture?.image === image &&
      backgroundPicture.picture.width === size.width &&
      backgroundPicture.picture.height === size.height &&
      // In the kernels' memory it lasts until the memory is laid out anew (a new size) or grows.
      (!kernel || kernel.holdsBackground(backgroundPicture.picture))
    )
      return backgroundPicture.picture;
    const r = coverCrop(image.width, image.height, size.width, size.height);
    const rgba = rgbPixels(
      (ctx) => {
        ctx.imageSmoothingQuality = 'high';
        ctx.drawImage(
          image,
          r.x * image.width,
          r.y * image.height,
          r.width * image.width,
          r.height * image.height,
          0,
          0,
          size.width,
          size.height,
        );
      },
      size.width,
      size.height,
    );
    // NOTE: synchronous, a few ms at 720p; once per image and size. Straight into the kernels' memory, where
    // the wasm composite reads it in place every frame.
    const target = kernel
      ? kernel.backgroundPicture(size.width, size.height)
      : createI420(size.width, size.height);
    const converted = rgbaToI420(rgba, target, colour);
    backgroundPicture = { image, picture: converted };
    return converted;
  };

  /** The picture as an I420 VideoFrame (it copies the bytes: the picture is reused). */
  const videoFrameOf = (picture: I420, timestamp: number) => {
    const init = {
      format: 'I420' as const,
      codedWidth: picture.width,
      codedHeight: picture.height,
      timestamp,
      colorSpace,
    };
    // The frame copies the bytes and our picture is reused. Handing them over (`transfer`) made every
    // composite write into a fresh 1.4 MB buffer at 720p, and a fresh buffer that size costs more than the
    // copy: Chromium maps it anew each time (page faults on every write).
    return new VideoFrame(picture.data, init as VideoFrameBufferInit);
  };

  return {
    renderer: 'yuv',
    scalesFrames: true,
    kernels: kernel ? 'wasm-simd' : 'js',
    canvas,
    prepare(source: FrameSource, scale = 1) {
      const size = sourceSize(source);
      const isFrame = typeof VideoFrame === 'function' && source instanceof VideoFrame;
      const w = isFrame ? (source.visibleRect?.width ?? size.width) : size.width;
      const h = isFrame ? (source.visibleRect?.height ?? size.height) : size.height;
      const shrink = scale < 1 ? scaledSize({ width: w, height: h }, scale) : null;
      const work = shrink ?? { width: w, height: h };
      // A packed RGB camera frame (Firefox's) is copied into the kernel's memory and converted there. Asked for
      // before the pictures: the area can grow the memory, which lays the pictures out anew.
      const area =
        kernel && isFrame && rgbOrderOf((source as VideoFrame).format)
          ? kernel.frameArea(w, h, work.width, work.height)
          : null;
      if (shrink) {
        if (!area) fullPicture = picture(w, h, fullPicture);
        full = area ? area.full : fullPicture;
        current = kernelPicture(shrink.width, shrink.height, current, 'src');
      } else {
        full = null;
        current = kernelPicture(w, h, current, 'src');
      }
      // The camera's picture lands in `full` when it is to be shrunk, else straight in `current`.
      const target = full ?? current;
      const copied = isFrame ? copyFrame(source, target, area?.rgb ?? null) : null;
      if (copied === 'yuv') {
        const space = (source as VideoFrame).colorSpace;
        colour = yuvColour(space?.matrix, space?.fullRange);
        colorSpace = space?.toJSON?.() ?? RGB_SOURCE_SPACE;
      } else if (copied === 'rgb') {
        colour = RGB_SOURCE_COLOUR;
        colorSpace = RGB_SOURCE_SPACE;
      } else {
        colour = RGB_SOURCE_COLOUR;
        colorSpace = RGB_SOURCE_SPACE;
        const rgba = rgbPixels(
          (ctx) => {
            if (source instanceof ImageData) ctx.putImageData(source, 0, 0);
            else ctx.drawImage(source as CanvasImageSource, 0, 0, w, h);
          },
          w,
          h,
        );
        // NOTE: synchronous, ~10 ms at 720p; only for sources that are not YUV frames.
        rgbaToI420(rgba, target, colour);
      }
      // NOTE: synchronous, one pass over the full picture (box average, plane by plane): the kernel's at the
      // half-size level when both pictures are in its memory (Firefox's RGB frames), else the JS.
      if (full && !kernel?.shrinkI420(full, current)) shrinkI420(full, current);
      for (const low of lows.values()) low.fresh = false;
      lowRgba = null;
      guideYuv = null;
    },
    modelInput(size = MODEL_INPUT, refineScale?: number) {
      if (!current) throw EffectError.invalidState('modelInput() before prepare()');
      const key = `${size.width}x${size.height}`;
      let low = lows.get(key);
      if (!low) {
        const bytes = size.width * size.height * 4;
        const rgba = new Uint8ClampedArray(bytes);
        low = {
          packed: new Uint8ClampedArray(bytes),
          rgba,
          image: new ImageData(rgba, size.width, size.height),
          fresh: false,
        };
        lows.set(key, low);
      }
      if (!low.fresh) {
        const g = refineScale === undefined ? null : workingSize(current.width, current.height, refineScale);
        if (g && g.w >= size.width && g.h >= size.height) {
          // The refinement's guide (made once this frame, refine() reuses it) shrunk again: ~1/10 of the
          // samples of a pass over the full picture (1280x720: 384x216 against 1280x720 plus its chroma).
          const guide = frameGuide(g.w, g.h);
          shrinkPacked(guide.pixels, g.w, g.h, size.width, size.height, low.packed);
        } else {
          // NOTE: synchronous, one pass over the full picture; only on frames that run the model.
          downsample(current, size.width, size.height, low.packed);
        }
        low.rgba.set(low.packed);
        toRgba(low.rgba);
        low.fresh = true;
      }
      lowRgba = low.rgba;
      // The compositor's own pixels, not a copy: they are the mask's low guide once setMask() follows.
      return low.image;
    },
    setMask(data, width, height) {
      mask = { data, width, height };
      // The mask comes from the frame modelInput() last gave: its low guide is that frame's.
      maskGuide = lowRgba && lowRgba.length === width * height * 4 ? lowRgba : null;
    },
    refine(quality: QualityLevel) {
      if (!mask || !maskGuide || !current) throw EffectError.invalidState('refine() before any mask');
      if (maskGuide.length !== mask.width * mask.height * 4)
        throw new EffectError('render_failed', 'the mask does not match its model input');
      const { w, h } = workingSize(current.width, current.height, quality.refineScale);
      // Two guide buffers in turn: the refiner keeps the last one as its motion reference.
      guideIndex ^= 1;
      let buffer = guides[guideIndex]!;
      if (buffer.length !== w * h * 4) {
        buffer = new Uint8ClampedArray(w * h * 4);
        guides[guideIndex] = buffer;
      }
      buffer.set(frameGuide(w, h).pixels);
      const guide = toRgba(buffer);
      refiner.refine({
        mask: mask.data,
        maskWidth: mask.width,
        maskHeight: mask.height,
        guideLow: maskGuide,
        guideHigh: guide,
        width: w,
        height: h,
        radius: quality.bilateralRadius,
      });
      bandFresh = false;
      if (quality.bandRefine) {
        // NOTE: synchronous CPU work on the outline's tiles only (bench:stages gives its cost).
        band.refine({ alpha: refiner.alpha, guide, width: w, height: h });
        bandFresh = true;
      }
      refinedOnce = true;
    },
    composite(wanted: Composition, quality: QualityLevel) {
      const src = current;
      if (!src) throw EffectError.invalidState('composite() before prepare()');
      output = kernelPicture(src.width, src.height, output, 'out');
      const out = output;
      const composition = drawable(wanted, {
        haveAlpha: refinedOnce && refiner.haveAlpha,
        haveBackground: background !== null,
      });
      if (composition.kind === 'none') {
        out.data.set(src.data);
        return;
      }
      if (composition.kind === 'privacy') {
        const t = privacySize(src.width, src.height);
        const tiny = downsample(src, t.width, t.height);
        darkenPackedYuv(tiny, colour.fullRange);
        composite({
          src,
          alpha: null,
          alphaWidth: 0,
          alphaHeight: 0,
          background: { kind: 'small', pixels: tiny, width: t.width, height: t.height },
          out,
        });
        return;
      }
      const final = finalAlpha();
      const alpha = { alpha: final.alpha, alphaWidth: final.width, alphaHeight: final.height };
      if (composition.kind === 'blur') {
        // Mask-weighted blur at a quarter of the refinement's blur scale, as the Canvas2D back end does, or
        // on a coarser grid where the blur is strong enough not to need that one.
        const scale = blurWorkScale(quality.blurScale / 2, composition.strength, src.height);
        const sw = Math.max(1, Math.round(src.width * scale));
        const sh = Math.max(1, Math.round(src.height * scale));
        // The blur's source: this frame's guide (already small, still YUV) shrunk again, not the full picture;
        // what it loses in sharpness the blur takes away anyway.
        if (blurPixels.length !== sw * sh * 4) {
          blurPixels = new Uint8ClampedArray(sw * sh * 4);
          blurWeights = new Uint8Array(sw * sh);
        }
        const pixels = guideYuv
          ? shrinkPacked(guideYuv.pixels, guideYuv.width, guideYuv.height, sw, sh, blurPixels)
          : downsample(src, sw, sh, blurPixels);
        const weights = shrinkPlane(final.alpha, final.width, final.height, sw, sh, blurWeights);
        // NOTE: synchronous CPU work, ~1-2 ms at 160x90 (running sums: cost does not grow with the radius).
        // Blurring Y, U and V is the same linear filter as blurring R, G and B.
        const blurInput = {
          rgba: pixels,
          alpha: weights,
          width: sw,
          height: sh,
          sigma: blurParams(composition.strength, src.height, scale, 9).sigma,
          out: pixels,
        };
        if (!kernel?.maskWeightedBlur(blurInput)) maskWeightedBlur(blurInput);
        composite({ src, ...alpha, background: { kind: 'small', pixels, width: sw, height: sh }, out });
      } else if (composition.kind === 'replace') {
        const picture = backgroundFor(src);
        if (!picture) throw EffectError.invalidState('replace without a background');
        composite({ src, ...alpha, background: { kind: 'picture', picture }, out });
      } else {
        const [r, g, b] = composition.color;
        const yuv = rgbToYuv(r * 255, g * 255, b * 255, colour);
        composite({ src, ...alpha, background: { kind: 'colour', yuv }, out });
      }
    },
    outputFrame(timestamp: number) {
      if (!output) throw EffectError.invalidState('outputFrame() before composite()');
      return videoFrameOf(output, timestamp);
    },
    outputBitmap() {
      // The frames pipeline wants an ImageBitmap. Made from an I420 VideoFrame of the picture it costs Firefox's
      // worker ~4 ms at 640x480, against ~11 ms for converting to RGBA and putImageData + transferToImageBitmap
      // (bench:speed, Firefox 153, at the same budget level), and no other thread took on more. (Drawing the
      // I420 VideoFrame on a canvas instead costs ~12-14 ms.) A realm without VideoFrame takes the RGBA path.
      if (!output) throw EffectError.invalidState('outputBitmap() before composite()');
      if (typeof VideoFrame === 'function') {
        const frame = videoFrameOf(output, 0);
        return createImageBitmap(frame).finally(() => frame.close());
      }
      const { width, height } = output;
      if (outputRgba?.width !== width || outputRgba.height !== height)
        outputRgba = new ImageData(width, height);
      // NOTE: synchronous, one pass over the picture (the kernel's where it runs).
      if (!kernel?.i420ToRgba(output, colour, outputRgba.data)) i420ToRgba(output, colour, outputRgba.data);
      if (canvas.width !== width || canvas.height !== height) {
        canvas.width = width;
        canvas.height = height;
      }
      const ctx = canvas.getContext('2d');
      if (!ctx) throw EffectError.unsupported('a 2D canvas is not available');
      ctx.putImageData(outputRgba, 0, 0);
      return canvas.transferToImageBitmap();
    },
    readAlpha() {
      if (!current || !refiner.haveAlpha) throw EffectError.invalidState('readAlpha() before refine()');
      const final = finalAlpha();
      const data = upsamplePlane(final.alpha, final.width, final.height, current.width, current.height);
      return { width: current.width, height: current.height, data };
    },
    setBackground(image) {
      background = image;
      backgroundPicture = null;
    },
    resetTemporal() {
      refinedOnce = false;
      bandFresh = false;
      refiner.reset();
    },
    dispose() {
      background = null;
      backgroundPicture = null;
      mask = null;
      maskGuide = null;
      guideYuv = null;
      current = null;
      full = null;
      output = null;
      nv12 = null;
      rgbBytes = null;
      outputRgba = null;
      lowRgba = null;
      lows.clear();
      if (convert) {
        convert.width = 1;
        convert.height = 1;
      }
      canvas.width = 1;
      canvas.height = 1;
    },
  };
}

import { EffectError } from '../errors.js';
import type { QualityLevel } from '../mask/budget.js';
import { coverCrop, privacySize } from '../mask/geometry.js';
import { createBilateralStage } from './bilateral-stage.js';
import { createBlurStage } from './blur-stage.js';
import { createCompositeStage } from './composite-stage.js';
import { type Composition, type Compositor, drawable, MODEL_INPUT } from './compositor.js';
import { createQuad, createTarget, ensureTarget, type Target } from './gl.js';
import { createMaskTextureStage } from './mask-texture.js';
import { createResampleStage, readTarget } from './resample-stage.js';
import { createSourceStage, type FrameSource } from './source-stage.js';
import { createTemporalStage } from './temporal-stage.js';

/**
 * The WebGL2 pipeline, as a recipe: upload -> model-size copy -> (model) -> joint bilateral upsampling ->
 * temporal smoothing -> mask-weighted blur / background -> composite.
 */
export function createWebGLCompositor(canvas: OffscreenCanvas): Compositor {
  const gl = canvas.getContext('webgl2', {
    alpha: false,
    antialias: false,
    depth: false,
    stencil: false,
    premultipliedAlpha: false,
    preserveDrawingBuffer: false,
    desynchronized: true,
    powerPreference: 'low-power',
  }) as WebGL2RenderingContext | null;
  if (!gl) throw EffectError.unsupported('WebGL2 is not available');
  const quad = createQuad(gl);
  const source = createSourceStage(gl);
  const resample = createResampleStage(gl, { quad });
  const maskTexture = createMaskTextureStage(gl);
  const bilateral = createBilateralStage(gl, { quad });
  const temporal = createTemporalStage(gl, { quad });
  const blur = createBlurStage(gl, { quad });
  // A 1x1 placeholder bound to unused samplers.
  const blank = createTarget(gl, { width: 1, height: 1, format: 'rgba8' });
  const composite = createCompositeStage(gl, { quad, blank: blank.texture });

  // Model-size copies of this frame and the last one (guide for upsampling, motion for smoothing).
  let lowNow = createTarget(gl, { ...MODEL_INPUT, format: 'rgba8' });
  let lowPrev = createTarget(gl, { ...MODEL_INPUT, format: 'rgba8' });
  let tiny: Target | null = null;
  let refined: Target | null = null;
  let alphaNow: Target | null = null;
  let alphaPrev: Target | null = null;
  let temporalFresh = true;
  let haveMask = false;
  let background: { texture: WebGLTexture; width: number; height: number } | null = null;
  const modelPixels = new Uint8ClampedArray(MODEL_INPUT.width * MODEL_INPUT.height * 4);
  /** This frame at another model's input size (the square model's), made on demand: its masks' guide. */
  let otherLow: Target | null = null;
  let otherFresh = false;
  /** Whether modelInput() last gave `otherLow`, and whether the stored mask came from it. */
  let lastInputOther = false;
  let maskFromOther = false;

  return {
    renderer: 'webgl2',
    canvas,
    prepare(frame: FrameSource) {
      source.update(frame);
      if (canvas.width !== source.width || canvas.height !== source.height) {
        canvas.width = source.width;
        canvas.height = source.height;
      }
      [lowNow, lowPrev] = [lowPrev, lowNow];
      resample.render({ source: source.texture, target: lowNow });
      const t = privacySize(source.width, source.height);
      tiny = ensureTarget(gl, tiny, { ...t, format: 'rgba8' });
      resample.render({ source: lowNow.texture, target: tiny });
      otherFresh = false;
      lastInputOther = false;
    },
    modelInput(size = MODEL_INPUT) {
      if (size.width === MODEL_INPUT.width && size.height === MODEL_INPUT.height) {
        lastInputOther = false;
        readTarget(gl, lowNow, modelPixels);
        return new ImageData(new Uint8ClampedArray(modelPixels), MODEL_INPUT.width, MODEL_INPUT.height);
      }
      if (!otherFresh || !otherLow || otherLow.width !== size.width || otherLow.height !== size.height) {
        otherLow = ensureTarget(gl, otherLow, { ...size, format: 'rgba8' });
        resample.render({ source: source.texture, target: otherLow });
        otherFresh = true;
      }
      lastInputOther = true;
      return new ImageData(new Uint8ClampedArray(readTarget(gl, otherLow)), size.width, size.height);
    },
    setMask(mask, width, height) {
      maskTexture.update(mask, width, height);
      maskFromOther = lastInputOther && otherLow?.width === width && otherLow.height === height;
      haveMask = true;
    },
    refine(quality: QualityLevel) {
      if (!haveMask) throw EffectError.invalidState('refine() before any mask');
      const w = Math.max(1, Math.round(source.width * quality.refineScale));
      const h = Math.max(1, Math.round(source.height * quality.refineScale));
      if (!alphaNow || alphaNow.width !== w || alphaNow.height !== h) temporalFresh = true;
      refined = ensureTarget(gl, refined, { width: w, height: h, format: 'r8' });
      alphaNow = ensureTarget(gl, alphaNow, { width: w, height: h, format: 'r8' });
      alphaPrev = ensureTarget(gl, alphaPrev, { width: w, height: h, format: 'r8' });
      bilateral.render({
        mask: maskTexture,
        // The landscape model's mask is guided by this frame's low copy; another model's by its own input.
        guide: maskFromOther && otherLow ? otherLow.texture : lowNow.texture,
        frame: source.texture,
        target: refined,
        radius: quality.bilateralRadius,
      });
      [alphaNow, alphaPrev] = [alphaPrev, alphaNow];
      temporal.render({
        current: refined.texture,
        previous: alphaPrev.texture,
        frameNow: lowNow.texture,
        framePrev: lowPrev.texture,
        first: temporalFresh,
        target: alphaNow,
      });
      temporalFresh = false;
    },
    composite(wanted: Composition, quality: QualityLevel) {
      const composition = drawable(wanted, {
        haveAlpha: alphaNow !== null,
        haveBackground: background !== null,
      });
      const alpha = alphaNow?.texture ?? null;
      composite.render({
        composition,
        width: source.width,
        height: source.height,
        frame: source.texture,
        tiny: tiny?.texture ?? blank.texture,
        alpha,
        blurred:
          composition.kind === 'blur' && alpha
            ? blur.render({
                // Sample the area-averaged model-size copy: the blur works at a quarter size or less, and the
                // full-size frame would alias into blocks there.
                frame: { texture: lowNow.texture, width: source.width, height: source.height },
                alpha,
                strength: composition.strength,
                scale: quality.blurScale,
                taps: quality.blurTaps,
              }).texture
            : null,
        background: background
          ? {
              texture: background.texture,
              crop: coverCrop(background.width, background.height, source.width, source.height),
            }
          : null,
      });
    },
    outputFrame(timestamp: number) {
      return new VideoFrame(canvas, { timestamp });
    },
    outputBitmap() {
      return canvas.transferToImageBitmap();
    },
    readAlpha() {
      if (!alphaNow) throw EffectError.invalidState('readAlpha() before refine()');
      const rgba = readTarget(gl, alphaNow);
      const data = new Uint8Array(alphaNow.width * alphaNow.height);
      for (let i = 0; i < data.length; i++) data[i] = rgba[i * 4]!;
      return { width: alphaNow.width, height: alphaNow.height, data };
    },
    setBackground(image) {
      if (background) gl.deleteTexture(background.texture);
      background = null;
      if (!image) return;
      const texture = gl.createTexture();
      if (!texture) throw new EffectError('render_failed', 'createTexture failed');
      gl.bindTexture(gl.TEXTURE_2D, texture);
      gl.pixelStorei(gl.UNPACK_FLIP_Y_WEBGL, false);
      gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, gl.RGBA, gl.UNSIGNED_BYTE, image);
      gl.generateMipmap(gl.TEXTURE_2D);
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.LINEAR_MIPMAP_LINEAR);
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.LINEAR);
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
      background = { texture, width: image.width, height: image.height };
    },
    resetTemporal() {
      temporalFresh = true;
    },
    dispose() {
      if (background) gl.deleteTexture(background.texture);
      for (const t of [lowNow, lowPrev, otherLow, tiny, refined, alphaNow, alphaPrev, blank]) t?.dispose();
      for (const s of [source, resample, maskTexture, bilateral, temporal, blur, composite, quad])
        s.dispose();
      gl.getExtension('WEBGL_lose_context')?.loseContext();
    },
  };
}

import { hasWebGL2 } from '../features.js';
import { QUALITY_LEVELS } from '../mask/budget.js';
import { createI420, rgbaToI420, yuvColour } from '../mask/yuv.js';
import { DEFAULT_BLUR_STRENGTH } from '../mode.js';
import { createCanvas2DCompositor } from './canvas2d-compositor.js';
import { type Compositor, MODEL_INPUT, type Renderer } from './compositor.js';
import { createWebGLCompositor } from './webgl-compositor.js';
import { createYuvCompositor, yuvCompositorSupported } from './yuv-compositor.js';

export function createCompositor(renderer: Renderer): Compositor {
  if (renderer === 'webgl2') return createWebGLCompositor(new OffscreenCanvas(1, 1));
  if (renderer === 'yuv') return createYuvCompositor(new OffscreenCanvas(1, 1));
  return createCanvas2DCompositor(new OffscreenCanvas(1, 1));
}

/**
 * The synthetic frame as the camera delivers it: a YUV VideoFrame where the realm has VideoFrame (every back
 * end then pays its own colour conversion, as with a real camera), an ImageBitmap otherwise.
 */
function syntheticFrame(width: number, height: number): VideoFrame | ImageBitmap {
  const bitmap = syntheticBitmap(width, height);
  if (typeof VideoFrame !== 'function') return bitmap;
  try {
    const rgba = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true })!;
    rgba.drawImage(bitmap, 0, 0);
    const colour = yuvColour('bt709', false);
    const picture = rgbaToI420(
      rgba.getImageData(0, 0, width, height).data,
      createI420(width, height),
      colour,
    );
    return new VideoFrame(picture.data, {
      format: 'I420',
      codedWidth: width,
      codedHeight: height,
      timestamp: 0,
      colorSpace: { matrix: 'bt709', primaries: 'bt709', transfer: 'bt709', fullRange: false },
    });
  } finally {
    bitmap.close();
  }
}

function syntheticBitmap(width: number, height: number): ImageBitmap {
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d')!;
  const g = ctx.createLinearGradient(0, 0, width, height);
  g.addColorStop(0, '#335');
  g.addColorStop(1, '#dca');
  ctx.fillStyle = g;
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = '#c96';
  ctx.beginPath();
  ctx.ellipse(width / 2, height / 2, width / 6, height / 3, 0, 0, Math.PI * 2);
  ctx.fill();
  return canvas.transferToImageBitmap();
}

/**
 * Times a compositor on a synthetic 640x480 frame: the whole per-frame path including the output frame
 * (which is where software GL does its work). Returns the median ms.
 */
export function measureCompositor(compositor: Compositor, frames = 4, warmup = 1): number {
  const frame = syntheticFrame(640, 480);
  const mask = new Float32Array(MODEL_INPUT.width * MODEL_INPUT.height);
  for (let y = 0; y < MODEL_INPUT.height; y++) {
    for (let x = 0; x < MODEL_INPUT.width; x++) {
      const dx = (x - MODEL_INPUT.width / 2) / (MODEL_INPUT.width / 6);
      const dy = (y - MODEL_INPUT.height / 2) / (MODEL_INPUT.height / 3);
      mask[y * MODEL_INPUT.width + x] = dx * dx + dy * dy < 1 ? 1 : 0;
    }
  }
  const times: number[] = [];
  try {
    for (let i = 0; i < warmup + frames; i++) {
      const t0 = performance.now();
      compositor.prepare(frame);
      compositor.modelInput();
      compositor.setMask(mask, MODEL_INPUT.width, MODEL_INPUT.height);
      compositor.refine(QUALITY_LEVELS[0]!);
      compositor.composite({ kind: 'blur', strength: DEFAULT_BLUR_STRENGTH }, QUALITY_LEVELS[0]!);
      if (typeof VideoFrame === 'function') compositor.outputFrame(i).close();
      // No VideoFrame in this realm: every back end makes its bitmap synchronously then.
      else void Promise.resolve(compositor.outputBitmap()).then((bitmap) => bitmap.close());
      // The first frames include shader compilation (GL) or running before the JIT has compiled the loops (YUV).
      if (i >= warmup) times.push(performance.now() - t0);
    }
  } finally {
    frame.close();
    compositor.resetTemporal();
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

/**
 * Picks the fastest back end by measuring each one this realm has (WebGL2 only where it exists and `webgl2`
 * is not false: on a software rasterizer its trial costs about a second and it always loses).
 */
export function chooseCompositor(options: { webgl2?: boolean } = {}): {
  compositor: Compositor;
  renderer: Renderer;
  measuredMs: Partial<Record<Renderer, number>>;
} {
  const measuredMs: Partial<Record<Renderer, number>> = {};
  // Warm-up frames are not counted: one for GL's shader compilation, more for the YUV back end, whose
  // per-pixel loops are slow until the JIT has compiled them (each costs a few ms once it has).
  const candidates: Array<{ renderer: Renderer; warmup: number; make: () => Compositor }> = [
    { renderer: 'canvas2d', warmup: 1, make: () => createCanvas2DCompositor(new OffscreenCanvas(1, 1)) },
  ];
  if (yuvCompositorSupported())
    candidates.push({
      renderer: 'yuv',
      warmup: 6,
      make: () => createYuvCompositor(new OffscreenCanvas(1, 1)),
    });
  if (options.webgl2 !== false && hasWebGL2())
    candidates.push({
      renderer: 'webgl2',
      warmup: 1,
      make: () => createWebGLCompositor(new OffscreenCanvas(1, 1)),
    });
  let best: { compositor: Compositor; renderer: Renderer; ms: number } | null = null;
  for (const { renderer, warmup, make } of candidates) {
    let compositor: Compositor | null = null;
    try {
      compositor = make();
      const ms = measureCompositor(compositor, 4, warmup);
      measuredMs[renderer] = ms;
      if (!best || ms < best.ms) {
        best?.compositor.dispose();
        best = { compositor, renderer, ms };
        compositor = null;
      }
    } catch {
      // A back end that cannot run here is not a candidate (Canvas2D, measured first, always can).
    } finally {
      compositor?.dispose();
    }
  }
  if (!best) {
    return {
      compositor: createCanvas2DCompositor(new OffscreenCanvas(1, 1)),
      renderer: 'canvas2d',
      measuredMs,
    };
  }
  return { compositor: best.compositor, renderer: best.renderer, measuredMs };
}

import { hasWebGL2 } from '../features.js';
import { QUALITY_LEVELS } from '../mask/budget.js';
import { DEFAULT_BLUR_STRENGTH } from '../mode.js';
import { createCanvas2DCompositor } from './canvas2d-compositor.js';
import { type Compositor, MODEL_INPUT, type Renderer } from './compositor.js';
import { createWebGLCompositor } from './webgl-compositor.js';

export function createCompositor(renderer: Renderer): Compositor {
  return renderer === 'webgl2'
    ? createWebGLCompositor(new OffscreenCanvas(1, 1))
    : createCanvas2DCompositor(new OffscreenCanvas(1, 1));
}

function syntheticFrame(width: number, height: number): ImageBitmap {
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
export function measureCompositor(compositor: Compositor, frames = 4): number {
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
    for (let i = 0; i <= frames; i++) {
      const t0 = performance.now();
      compositor.prepare(frame);
      compositor.modelInput();
      compositor.setMask(mask, MODEL_INPUT.width, MODEL_INPUT.height);
      compositor.refine(QUALITY_LEVELS[0]!);
      compositor.composite({ kind: 'blur', strength: DEFAULT_BLUR_STRENGTH }, QUALITY_LEVELS[0]!);
      if (typeof VideoFrame === 'function') new VideoFrame(compositor.canvas, { timestamp: i }).close();
      else compositor.canvas.transferToImageBitmap().close();
      if (i > 0) times.push(performance.now() - t0); // the first includes shader compilation
    }
  } finally {
    frame.close();
    compositor.resetTemporal();
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

/** Picks the faster back end by measuring both (WebGL2 only where it exists). */
export function chooseCompositor(): {
  compositor: Compositor;
  renderer: Renderer;
  measuredMs: Partial<Record<Renderer, number>>;
} {
  const measuredMs: Partial<Record<Renderer, number>> = {};
  const canvas2d = createCanvas2DCompositor(new OffscreenCanvas(1, 1));
  measuredMs.canvas2d = measureCompositor(canvas2d);
  if (!hasWebGL2()) return { compositor: canvas2d, renderer: 'canvas2d', measuredMs };
  let webgl: Compositor;
  try {
    webgl = createWebGLCompositor(new OffscreenCanvas(1, 1));
    measuredMs.webgl2 = measureCompositor(webgl);
  } catch {
    return { compositor: canvas2d, renderer: 'canvas2d', measuredMs };
  }
  if (measuredMs.webgl2 < measuredMs.canvas2d) {
    canvas2d.dispose();
    return { compositor: webgl, renderer: 'webgl2', measuredMs };
  }
  webgl.dispose();
  return { compositor: canvas2d, renderer: 'canvas2d', measuredMs };
}

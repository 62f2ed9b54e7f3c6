/**
 * Start-up decisions that must not cost seconds: whether to time the compositing back ends at all. Pure.
 */
import type { Renderer } from '../render/compositor.js';

/** WebGL renderer strings of software rasterizers (Chromium's SwiftShader, Mesa's llvmpipe/softpipe, WARP). */
const SOFTWARE_GL = /swiftshader|llvmpipe|softpipe|software|basic render|warp/i;

/** Whether a WebGL renderer string names a software rasterizer, where the GPU paths lose by ~10x. */
export function isSoftwareRenderer(name: string | null): boolean {
  return name !== null && SOFTWARE_GL.test(name);
}

export type RendererPlan =
  | { renderer: Renderer; source: 'option' | 'cache' | 'software-gl' }
  /** Time the back ends once (a GPU: WebGL2 against the CPU ones). */
  | { renderer: 'measure'; source: 'measured'; webgl2: true };

/**
 * What the back end will be: the caller's wish, else an earlier measured choice (cache), else, where WebGL is
 * missing or a software rasterizer, a CPU back end with no trial at all (a trial costs seconds on a cold start
 * there: WebGL2 always loses by ~10x, and the YUV back end, which needs VideoFrame, beat Canvas2D by ~3x per
 * frame once warm but loses a short trial while its loops are not yet compiled); else a trial of them all.
 */
export function planRenderer(input: {
  requested: Renderer | 'auto';
  cached: Renderer | null;
  webgl2: boolean;
  glRenderer: string | null;
  /** VideoFrame exists here (the YUV back end's input and output). */
  videoFrame: boolean;
}): RendererPlan {
  if (input.requested !== 'auto') return { renderer: input.requested, source: 'option' };
  if (input.cached) return { renderer: input.cached, source: 'cache' };
  if (!input.webgl2 || isSoftwareRenderer(input.glRenderer))
    return { renderer: input.videoFrame ? 'yuv' : 'canvas2d', source: 'software-gl' };
  return { renderer: 'measure', source: 'measured', webgl2: true };
}

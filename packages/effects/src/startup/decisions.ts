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
  | { renderer: Renderer; source: 'option' | 'cache' }
  /** Time the back ends once; `webgl2` false: only the CPU ones (no GPU, or a software rasterizer). */
  | { renderer: 'measure'; source: 'measured' | 'software-gl'; webgl2: boolean };

/**
 * What the back end will be: the caller's wish, else an earlier measured choice (cache), else a trial of the
 * back ends, without WebGL2 where WebGL is missing or a software rasterizer (its trial costs about a second
 * there and it always loses; the CPU back ends take tens of ms each).
 */
export function planRenderer(input: {
  requested: Renderer | 'auto';
  cached: Renderer | null;
  webgl2: boolean;
  glRenderer: string | null;
}): RendererPlan {
  if (input.requested !== 'auto') return { renderer: input.requested, source: 'option' };
  if (input.cached) return { renderer: input.cached, source: 'cache' };
  if (!input.webgl2 || isSoftwareRenderer(input.glRenderer))
    return { renderer: 'measure', source: 'software-gl', webgl2: false };
  return { renderer: 'measure', source: 'measured', webgl2: true };
}

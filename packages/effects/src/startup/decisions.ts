/**
 * Start-up decisions that must not cost seconds: whether to time the compositing back ends at all. Pure.
 */
import type { Renderer } from '../render/compositor.js';
import type { DecisionSource } from './timeline.js';

/** WebGL renderer strings of software rasterizers (Chromium's SwiftShader, Mesa's llvmpipe/softpipe, WARP). */
const SOFTWARE_GL = /swiftshader|llvmpipe|softpipe|software|basic render|warp/i;

/** Whether a WebGL renderer string names a software rasterizer, where the GPU paths lose by ~10x. */
export function isSoftwareRenderer(name: string | null): boolean {
  return name !== null && SOFTWARE_GL.test(name);
}

export type RendererPlan =
  | { renderer: Renderer; source: Exclude<DecisionSource, 'measured' | 'none'> }
  | { renderer: 'measure'; source: 'measured' };

/**
 * What the back end will be: the caller's wish, else an earlier measured choice (cache), else Canvas2D where
 * WebGL is missing or a software rasterizer (no trial: it costs about a second there and always loses), else
 * measure both once.
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
    return { renderer: 'canvas2d', source: 'software-gl' };
  return { renderer: 'measure', source: 'measured' };
}

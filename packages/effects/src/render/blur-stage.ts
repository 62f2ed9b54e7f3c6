import { blurParams } from '../mask/kernels.js';
import { bindOutput, bindTexture, createProgram, ensureTarget, type Quad, type Target } from './gl.js';

const MAX_TAPS = 15;

const FS = `#version 300 es
precision highp float;
in vec2 v_uv;
out vec4 outColor;
uniform sampler2D u_src;
uniform sampler2D u_alpha;
uniform vec2 u_step;        // uv offset between taps
uniform float u_weights[${MAX_TAPS}];
uniform int u_radius;
uniform float u_first;      // 1: u_src is the camera frame; 0: u_src holds premultiplied sums of pass 1
void main() {
  vec4 acc = vec4(0.0);
  for (int i = -${(MAX_TAPS - 1) / 2}; i <= ${(MAX_TAPS - 1) / 2}; i++) {
    if (i < -u_radius || i > u_radius) continue;
    vec2 uv = v_uv + float(i) * u_step;
    float w = u_weights[i + u_radius];
    if (u_first > 0.5) {
      // Background weight: the person contributes nothing, so no halo bleeds into the blurred background.
      float b = 1.0 - texture(u_alpha, uv).r;
      acc += w * vec4(texture(u_src, uv).rgb * b, b);
    } else {
      acc += w * texture(u_src, uv);
    }
  }
  outColor = acc;
}`;

/**
 * Mask-weighted separable Gaussian blur of the background at reduced resolution. The result holds
 * premultiplied (rgb * weight, weight); the compositor divides.
 */
export function createBlurStage(gl: WebGL2RenderingContext, options: { quad: Quad }) {
  const program = createProgram(gl, FS);
  let horizontal: Target | null = null;
  let vertical: Target | null = null;
  return {
    render(input: {
      frame: { texture: WebGLTexture; width: number; height: number };
      alpha: WebGLTexture;
      strength: number;
      scale: number;
      taps: number;
    }): Target {
      const w = Math.max(1, Math.round(input.frame.width * input.scale));
      const h = Math.max(1, Math.round(input.frame.height * input.scale));
      horizontal = ensureTarget(gl, horizontal, { width: w, height: h, format: 'rgba8' });
      vertical = ensureTarget(gl, vertical, { width: w, height: h, format: 'rgba8' });
      const taps = Math.min(MAX_TAPS, input.taps | 1);
      const params = blurParams(input.strength, input.frame.height, input.scale, taps);
      const weights = new Float32Array(MAX_TAPS);
      weights.set(params.weights);
      gl.useProgram(program.program);
      gl.uniform1f(program.uniform('u_flipY'), 0);
      gl.uniform1fv(program.uniform('u_weights'), weights);
      gl.uniform1i(program.uniform('u_radius'), params.radius);

      bindOutput(gl, horizontal, w, h);
      gl.uniform1f(program.uniform('u_first'), 1);
      gl.uniform2f(program.uniform('u_step'), params.step / w, 0);
      bindTexture(gl, 0, input.frame.texture, program.uniform('u_src'));
      bindTexture(gl, 1, input.alpha, program.uniform('u_alpha'));
      options.quad.draw();

      bindOutput(gl, vertical, w, h);
      gl.uniform1f(program.uniform('u_first'), 0);
      gl.uniform2f(program.uniform('u_step'), 0, params.step / h);
      bindTexture(gl, 0, horizontal.texture, program.uniform('u_src'));
      options.quad.draw();
      return vertical;
    },
    update(): void {},
    dispose(): void {
      horizontal?.dispose();
      vertical?.dispose();
      horizontal = null;
      vertical = null;
      program.dispose();
    },
  };
}

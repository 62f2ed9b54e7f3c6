import { glslFloat } from '../mask/kernels.js';
import { DEFAULT_TEMPORAL, type TemporalParams } from '../mask/smoothing.js';
import { bindOutput, bindTexture, createProgram, type Quad, type Target } from './gl.js';

const fragment = (p: TemporalParams) => `#version 300 es
precision highp float;
in vec2 v_uv;
out vec4 outColor;
uniform sampler2D u_current;
uniform sampler2D u_previous;
uniform sampler2D u_frameNow;   // camera at model resolution, this frame
uniform sampler2D u_framePrev;  // and the previous one
uniform float u_first;
const vec3 LUMA = vec3(0.299, 0.587, 0.114);
void main() {
  float cur = texture(u_current, v_uv).r;
  if (u_first > 0.5) { outColor = vec4(cur, 0.0, 0.0, 1.0); return; }
  float prev = texture(u_previous, v_uv).r;
  float d = abs(dot(texture(u_frameNow, v_uv).rgb - texture(u_framePrev, v_uv).rgb, LUMA));
  // Same curve as temporalFactor() in mask/smoothing.ts: picture motion or a large change of the mask.
  // and, with confidenceGamma > 0, the new estimate's confidence |2c - 1|^gamma.
  float s = max(
    smoothstep(${glslFloat(p.motionLow)}, ${glslFloat(p.motionHigh)}, d),
    smoothstep(${glslFloat(p.changeLow)}, ${glslFloat(p.changeHigh)}, abs(cur - prev)));
  ${p.confidenceGamma > 0 ? `s = max(s, pow(abs(2.0 * clamp(cur, 0.0, 1.0) - 1.0), ${glslFloat(p.confidenceGamma)}));` : ''}
  float k = ${glslFloat(p.stillFactor)} + ${glslFloat(1 - p.stillFactor)} * s;
  outColor = vec4(mix(prev, cur, k), 0.0, 0.0, 1.0);
}`;

/**
 * Motion- and confidence-adaptive EMA of the refined mask: smooths still regions and a wavering model, follows
 * moving regions, large changes of the mask and confident estimates immediately.
 */
export function createTemporalStage(
  gl: WebGL2RenderingContext,
  options: { quad: Quad; params?: TemporalParams },
) {
  const program = createProgram(gl, fragment(options.params ?? DEFAULT_TEMPORAL));
  return {
    render(input: {
      current: WebGLTexture;
      previous: WebGLTexture;
      frameNow: WebGLTexture;
      framePrev: WebGLTexture;
      first: boolean;
      target: Target;
    }): void {
      bindOutput(gl, input.target, input.target.width, input.target.height);
      gl.useProgram(program.program);
      gl.uniform1f(program.uniform('u_flipY'), 0);
      gl.uniform1f(program.uniform('u_first'), input.first ? 1 : 0);
      bindTexture(gl, 0, input.current, program.uniform('u_current'));
      bindTexture(gl, 1, input.previous, program.uniform('u_previous'));
      bindTexture(gl, 2, input.frameNow, program.uniform('u_frameNow'));
      bindTexture(gl, 3, input.framePrev, program.uniform('u_framePrev'));
      options.quad.draw();
    },
    update(): void {},
    dispose(): void {
      program.dispose();
    },
  };
}

import { EDGE, glslFloat } from '../mask/kernels.js';
import { bindOutput, bindTexture, createProgram, type Program, type Quad, type Target } from './gl.js';

const fragment = (radius: number) => `#version 300 es
precision highp float;
in vec2 v_uv;
out vec4 outColor;
uniform sampler2D u_mask;   // model probability, model resolution
uniform sampler2D u_guide;  // camera frame at model resolution
uniform sampler2D u_frame;  // camera frame at output resolution
uniform vec2 u_lowTexel;
uniform float u_invSpace;   // 1 / (2 sigma_s^2), model pixels
uniform float u_invRange;   // 1 / (2 sigma_r^2), RGB 0..1
void main() {
  vec3 c = texture(u_frame, v_uv).rgb;
  float sum = 0.0;
  float wsum = 0.0;
  for (int y = -${radius}; y <= ${radius}; y++) {
    for (int x = -${radius}; x <= ${radius}; x++) {
      vec2 off = vec2(float(x), float(y));
      vec2 uv = v_uv + off * u_lowTexel;
      vec3 d = texture(u_guide, uv).rgb - c;
      float w = exp(-dot(off, off) * u_invSpace - dot(d, d) * u_invRange);
      sum += w * texture(u_mask, uv).r;
      wsum += w;
    }
  }
  float a = sum / max(wsum, 1e-5);
  outColor = vec4(smoothstep(${glslFloat(EDGE.low)}, ${glslFloat(EDGE.high)}, a), 0.0, 0.0, 1.0);
}`;

/**
 * Joint bilateral upsampling: the model's low-resolution mask is resampled at output resolution, each tap
 * weighted by how close the camera colour there is to the colour of the output pixel, so mask edges snap to
 * image edges.
 */
export function createBilateralStage(
  gl: WebGL2RenderingContext,
  options: { quad: Quad; sigmaRange?: number },
) {
  const programs = new Map<number, Program>();
  const sigmaRange = options.sigmaRange ?? 0.12;
  const programFor = (radius: number) => {
    let p = programs.get(radius);
    if (!p) {
      p = createProgram(gl, fragment(radius));
      programs.set(radius, p);
    }
    return p;
  };
  return {
    render(input: {
      mask: { texture: WebGLTexture; width: number; height: number };
      guide: WebGLTexture;
      frame: WebGLTexture;
      target: Target;
      radius: number;
    }): void {
      const p = programFor(input.radius);
      const sigmaSpace = input.radius <= 1 ? 1 : 1.5;
      bindOutput(gl, input.target, input.target.width, input.target.height);
      gl.useProgram(p.program);
      gl.uniform1f(p.uniform('u_flipY'), 0);
      gl.uniform2f(p.uniform('u_lowTexel'), 1 / input.mask.width, 1 / input.mask.height);
      gl.uniform1f(p.uniform('u_invSpace'), 1 / (2 * sigmaSpace * sigmaSpace));
      gl.uniform1f(p.uniform('u_invRange'), 1 / (2 * sigmaRange * sigmaRange));
      bindTexture(gl, 0, input.mask.texture, p.uniform('u_mask'));
      bindTexture(gl, 1, input.guide, p.uniform('u_guide'));
      bindTexture(gl, 2, input.frame, p.uniform('u_frame'));
      options.quad.draw();
    },
    update(): void {},
    dispose(): void {
      for (const p of programs.values()) p.dispose();
      programs.clear();
    },
  };
}

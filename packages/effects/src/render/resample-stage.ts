import { bindOutput, bindTexture, createProgram, type Quad, type Target } from './gl.js';

const FS = `#version 300 es
precision mediump float;
in vec2 v_uv;
out vec4 outColor;
uniform sampler2D u_src;
uniform vec2 u_dstTexel;
void main() {
  // 4x4 samples spread over the destination texel's footprint: an area average, so big reductions do not alias.
  vec4 acc = vec4(0.0);
  for (int y = 0; y < 4; y++) {
    for (int x = 0; x < 4; x++) {
      vec2 o = (vec2(float(x), float(y)) - 1.5) / 4.0;
      acc += texture(u_src, v_uv + o * u_dstTexel);
    }
  }
  outColor = acc / 16.0;
}`;

/** Area-averaging downscale of a texture into a smaller target (model input, privacy frame). */
export function createResampleStage(gl: WebGL2RenderingContext, options: { quad: Quad }) {
  const program = createProgram(gl, FS);
  return {
    render(input: { source: WebGLTexture; target: Target }): void {
      const { target } = input;
      bindOutput(gl, target, target.width, target.height);
      gl.useProgram(program.program);
      gl.uniform1f(program.uniform('u_flipY'), 0);
      gl.uniform2f(program.uniform('u_dstTexel'), 1 / target.width, 1 / target.height);
      bindTexture(gl, 0, input.source, program.uniform('u_src'));
      options.quad.draw();
    },
    update(): void {},
    dispose(): void {
      program.dispose();
    },
  };
}

/** NOTE: synchronous GPU readback; only used on model-sized targets (256x144) and for the mask processor. */
export function readTarget(
  gl: WebGL2RenderingContext,
  target: Target,
  into?: Uint8ClampedArray,
): Uint8ClampedArray {
  const out = into ?? new Uint8ClampedArray(target.width * target.height * 4);
  gl.bindFramebuffer(gl.FRAMEBUFFER, target.framebuffer);
  gl.readPixels(0, 0, target.width, target.height, gl.RGBA, gl.UNSIGNED_BYTE, out);
  gl.bindFramebuffer(gl.FRAMEBUFFER, null);
  return out;
}

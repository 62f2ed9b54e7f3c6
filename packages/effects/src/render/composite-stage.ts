import { EffectError } from '../errors.js';
import type { CropRect } from '../mask/geometry.js';
import { type Composition, LIGHT_WRAP_STRENGTH } from './compositor.js';
import { bindOutput, bindTexture, createProgram, type Quad } from './gl.js';

/** The shader's `u_mode` for each kind. */
const MODE_INDEX: Record<Composition['kind'], number> = {
  none: 0,
  blur: 1,
  replace: 2,
  remove: 3,
  privacy: 4,
};

const FS = `#version 300 es
precision highp float;
in vec2 v_uv;
out vec4 outColor;
uniform int u_mode;
uniform sampler2D u_frame;
uniform sampler2D u_alpha;
uniform sampler2D u_blur;     // premultiplied mask-weighted blur
uniform sampler2D u_bg;       // replacement image, mipmapped
uniform sampler2D u_tiny;     // privacy frame: a dozen pixels across
uniform vec4 u_bgCrop;        // x, y, w, h in image uv
uniform vec3 u_color;
uniform vec2 u_wrapRadius;    // uv radius for light wrapping
uniform float u_wrap;         // light wrap strength
vec3 privacy() {
  return mix(texture(u_tiny, v_uv).rgb, vec3(0.12), 0.5);
}
void main() {
  if (u_mode == 4) { outColor = vec4(privacy(), 1.0); return; }
  vec3 f = texture(u_frame, v_uv).rgb;
  if (u_mode == 0) { outColor = vec4(f, 1.0); return; }
  float a = texture(u_alpha, v_uv).r;
  vec3 bg;
  if (u_mode == 1) {
    vec4 b = texture(u_blur, v_uv);
    // Where the whole neighbourhood is person there is no background to blur; never fall back to raw pixels.
    bg = b.a > 0.004 ? b.rgb / b.a : privacy();
  } else if (u_mode == 2) {
    vec2 uv = u_bgCrop.xy + v_uv * u_bgCrop.zw;
    bg = texture(u_bg, uv).rgb;
    // Light wrap: near the person's edge, let the new background's light spill onto the person.
    float soft = 0.0;
    for (int i = 0; i < 8; i++) {
      float ang = float(i) * 0.785398;
      soft += texture(u_alpha, v_uv + vec2(cos(ang), sin(ang)) * u_wrapRadius).r;
    }
    soft /= 8.0;
    float wrap = clamp(u_wrap * a * (1.0 - soft) * 2.0, 0.0, 0.6);
    f = mix(f, textureLod(u_bg, uv, 4.0).rgb, wrap);
  } else {
    bg = u_color;
  }
  outColor = vec4(mix(bg, f, a), 1.0);
}`;

/** Final composition onto the canvas: person over blurred / replaced / solid background, or privacy frame. */
export function createCompositeStage(
  gl: WebGL2RenderingContext,
  options: { quad: Quad; blank: WebGLTexture },
) {
  const program = createProgram(gl, FS);
  const required = <T>(value: T | null, what: string): T => {
    if (value === null) throw EffectError.invalidState(`composite ${what} missing`);
    return value;
  };
  return {
    /**
     * Draws `composition`. Textures a kind does not sample are bound to the blank one: `alpha` is needed by
     * every kind but none and privacy, `blurred` by blur, `background` by replace.
     */
    render(input: {
      composition: Composition;
      width: number;
      height: number;
      frame: WebGLTexture;
      tiny: WebGLTexture;
      alpha: WebGLTexture | null;
      blurred: WebGLTexture | null;
      background: { texture: WebGLTexture; crop: CropRect } | null;
    }): void {
      const { composition, width, height } = input;
      let alpha = options.blank;
      let blurred = options.blank;
      let background = options.blank;
      let crop: CropRect = { x: 0, y: 0, width: 1, height: 1 };
      let color: readonly [number, number, number] = [0, 0, 0];
      switch (composition.kind) {
        case 'none':
        case 'privacy':
          break;
        case 'blur':
          alpha = required(input.alpha, 'alpha');
          blurred = required(input.blurred, 'blur');
          break;
        case 'replace': {
          alpha = required(input.alpha, 'alpha');
          const bg = required(input.background, 'background');
          background = bg.texture;
          crop = bg.crop;
          break;
        }
        case 'remove':
          alpha = required(input.alpha, 'alpha');
          color = composition.color;
          break;
      }
      bindOutput(gl, null, width, height);
      gl.useProgram(program.program);
      gl.uniform1f(program.uniform('u_flipY'), 1);
      gl.uniform1i(program.uniform('u_mode'), MODE_INDEX[composition.kind]);
      bindTexture(gl, 0, input.frame, program.uniform('u_frame'));
      bindTexture(gl, 1, alpha, program.uniform('u_alpha'));
      bindTexture(gl, 2, blurred, program.uniform('u_blur'));
      bindTexture(gl, 3, background, program.uniform('u_bg'));
      bindTexture(gl, 4, input.tiny, program.uniform('u_tiny'));
      gl.uniform4f(program.uniform('u_bgCrop'), crop.x, crop.y, crop.width, crop.height);
      gl.uniform3f(program.uniform('u_color'), color[0], color[1], color[2]);
      const r = 0.012 * Math.max(width, height);
      gl.uniform2f(program.uniform('u_wrapRadius'), r / width, r / height);
      gl.uniform1f(program.uniform('u_wrap'), LIGHT_WRAP_STRENGTH);
      options.quad.draw();
    },
    update(): void {},
    dispose(): void {
      program.dispose();
    },
  };
}

import { EffectError } from '../errors.js';

/** Shared WebGL2 helpers: programs, render targets, the full-screen triangle. Stages own what they create. */

export const FULLSCREEN_VS = `#version 300 es
in vec2 a_pos;
out vec2 v_uv;
uniform float u_flipY;
void main() {
  vec2 uv = a_pos * 0.5 + 0.5;
  // Textures hold the image top row first (v = 0 is the top). Drawing to the canvas flips once.
  v_uv = vec2(uv.x, u_flipY > 0.5 ? 1.0 - uv.y : uv.y);
  gl_Position = vec4(a_pos, 0.0, 1.0);
}`;

function compile(gl: WebGL2RenderingContext, type: number, source: string): WebGLShader {
  const shader = gl.createShader(type);
  if (!shader) throw new EffectError('render_failed', 'createShader failed');
  gl.shaderSource(shader, source);
  gl.compileShader(shader);
  if (!gl.getShaderParameter(shader, gl.COMPILE_STATUS)) {
    const log = gl.getShaderInfoLog(shader);
    gl.deleteShader(shader);
    throw new EffectError('render_failed', `shader compile failed: ${log}`);
  }
  return shader;
}

export interface Program {
  program: WebGLProgram;
  uniform(name: string): WebGLUniformLocation | null;
  dispose(): void;
}

export function createProgram(gl: WebGL2RenderingContext, fragmentSource: string): Program {
  const vs = compile(gl, gl.VERTEX_SHADER, FULLSCREEN_VS);
  const fs = compile(gl, gl.FRAGMENT_SHADER, fragmentSource);
  const program = gl.createProgram();
  if (!program) throw new EffectError('render_failed', 'createProgram failed');
  gl.attachShader(program, vs);
  gl.attachShader(program, fs);
  gl.bindAttribLocation(program, 0, 'a_pos');
  gl.linkProgram(program);
  gl.deleteShader(vs);
  gl.deleteShader(fs);
  if (!gl.getProgramParameter(program, gl.LINK_STATUS)) {
    const log = gl.getProgramInfoLog(program);
    gl.deleteProgram(program);
    throw new EffectError('render_failed', `program link failed: ${log}`);
  }
  const cache = new Map<string, WebGLUniformLocation | null>();
  return {
    program,
    uniform(name) {
      if (!cache.has(name)) cache.set(name, gl.getUniformLocation(program, name));
      return cache.get(name) ?? null;
    },
    dispose() {
      gl.deleteProgram(program);
    },
  };
}

export interface Texture {
  texture: WebGLTexture;
  width: number;
  height: number;
  dispose(): void;
}

/** A texture object with linear filtering and edge clamping, for data uploaded later with texImage2D. */
export function createSampledTexture(gl: WebGL2RenderingContext): WebGLTexture {
  const texture = gl.createTexture();
  if (!texture) throw new EffectError('render_failed', 'createTexture failed');
  gl.bindTexture(gl.TEXTURE_2D, texture);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.LINEAR);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.LINEAR);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
  return texture;
}

export function createTexture(
  gl: WebGL2RenderingContext,
  options: { width: number; height: number; format: 'rgba8' | 'r8'; filter?: 'linear' | 'nearest' },
): Texture {
  const texture = gl.createTexture();
  if (!texture) throw new EffectError('render_failed', 'createTexture failed');
  gl.bindTexture(gl.TEXTURE_2D, texture);
  const filter = options.filter === 'nearest' ? gl.NEAREST : gl.LINEAR;
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, filter);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, filter);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
  const internal = options.format === 'r8' ? gl.R8 : gl.RGBA8;
  gl.texStorage2D(gl.TEXTURE_2D, 1, internal, options.width, options.height);
  return {
    texture,
    width: options.width,
    height: options.height,
    dispose: () => gl.deleteTexture(texture),
  };
}

/** A texture plus the framebuffer that renders into it. */
export interface Target extends Texture {
  framebuffer: WebGLFramebuffer;
}

export function createTarget(
  gl: WebGL2RenderingContext,
  options: { width: number; height: number; format: 'rgba8' | 'r8' },
): Target {
  const tex = createTexture(gl, options);
  const framebuffer = gl.createFramebuffer();
  if (!framebuffer) throw new EffectError('render_failed', 'createFramebuffer failed');
  gl.bindFramebuffer(gl.FRAMEBUFFER, framebuffer);
  gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, tex.texture, 0);
  gl.bindFramebuffer(gl.FRAMEBUFFER, null);
  return {
    ...tex,
    framebuffer,
    dispose() {
      gl.deleteFramebuffer(framebuffer);
      tex.dispose();
    },
  };
}

/** Keeps `target` at the wanted size, recreating it when the size changes. */
export function ensureTarget(
  gl: WebGL2RenderingContext,
  target: Target | null,
  options: { width: number; height: number; format: 'rgba8' | 'r8' },
): Target {
  if (target && target.width === options.width && target.height === options.height) return target;
  target?.dispose();
  return createTarget(gl, options);
}

/** One triangle covering the viewport; the caller binds it before drawing. */
export interface Quad {
  draw(): void;
  dispose(): void;
}

export function createQuad(gl: WebGL2RenderingContext): Quad {
  const vao = gl.createVertexArray();
  const buffer = gl.createBuffer();
  gl.bindVertexArray(vao);
  gl.bindBuffer(gl.ARRAY_BUFFER, buffer);
  gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 3, -1, -1, 3]), gl.STATIC_DRAW);
  gl.enableVertexAttribArray(0);
  gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
  gl.bindVertexArray(null);
  return {
    draw() {
      gl.bindVertexArray(vao);
      gl.drawArrays(gl.TRIANGLES, 0, 3);
      gl.bindVertexArray(null);
    },
    dispose() {
      gl.deleteBuffer(buffer);
      gl.deleteVertexArray(vao);
    },
  };
}

/** Binds `target` (or the canvas when null) as the output and sets the viewport. */
export function bindOutput(
  gl: WebGL2RenderingContext,
  target: Target | null,
  width: number,
  height: number,
): void {
  gl.bindFramebuffer(gl.FRAMEBUFFER, target ? target.framebuffer : null);
  gl.viewport(0, 0, width, height);
}

export function bindTexture(
  gl: WebGL2RenderingContext,
  unit: number,
  texture: WebGLTexture,
  location: WebGLUniformLocation | null,
): void {
  gl.activeTexture(gl.TEXTURE0 + unit);
  gl.bindTexture(gl.TEXTURE_2D, texture);
  gl.uniform1i(location, unit);
}

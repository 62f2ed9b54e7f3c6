import { createSampledTexture } from './gl.js';

/** Holds the model's person probability (model resolution) as an R8 texture with linear filtering. */
export function createMaskTextureStage(gl: WebGL2RenderingContext) {
  const texture = createSampledTexture(gl);
  let bytes = new Uint8Array(0);
  const state = { width: 0, height: 0 };
  return {
    texture,
    get width() {
      return state.width;
    },
    get height() {
      return state.height;
    },
    update(mask: Float32Array, width: number, height: number): void {
      if (bytes.length !== width * height) bytes = new Uint8Array(width * height);
      for (let i = 0; i < bytes.length; i++) bytes[i] = Math.round(Math.min(1, Math.max(0, mask[i]!)) * 255);
      gl.bindTexture(gl.TEXTURE_2D, texture);
      gl.pixelStorei(gl.UNPACK_ALIGNMENT, 1);
      gl.texImage2D(gl.TEXTURE_2D, 0, gl.R8, width, height, 0, gl.RED, gl.UNSIGNED_BYTE, bytes);
      gl.pixelStorei(gl.UNPACK_ALIGNMENT, 4);
      state.width = width;
      state.height = height;
    },
    render(): void {},
    dispose(): void {
      gl.deleteTexture(texture);
    },
  };
}

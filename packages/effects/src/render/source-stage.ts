import { createSampledTexture } from './gl.js';

export type FrameSource = VideoFrame | ImageBitmap | ImageData | OffscreenCanvas;

export function sourceSize(source: FrameSource): { width: number; height: number } {
  if ('displayWidth' in source) return { width: source.displayWidth, height: source.displayHeight };
  return { width: source.width, height: source.height };
}

/** Uploads the camera frame into a texture (v = 0 is the image's top row). */
export function createSourceStage(gl: WebGL2RenderingContext) {
  const texture = createSampledTexture(gl);
  const state = { width: 0, height: 0 };
  return {
    texture,
    get width() {
      return state.width;
    },
    get height() {
      return state.height;
    },
    /** NOTE: synchronous upload; a 720p frame costs a few ms under software GL. */
    update(source: FrameSource): void {
      const { width, height } = sourceSize(source);
      gl.bindTexture(gl.TEXTURE_2D, texture);
      gl.pixelStorei(gl.UNPACK_FLIP_Y_WEBGL, false);
      gl.pixelStorei(gl.UNPACK_PREMULTIPLY_ALPHA_WEBGL, false);
      gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, gl.RGBA, gl.UNSIGNED_BYTE, source as TexImageSource);
      state.width = width;
      state.height = height;
    },
    render(): void {},
    dispose(): void {
      gl.deleteTexture(texture);
    },
  };
}
export type SourceStage = ReturnType<typeof createSourceStage>;

import type { FrameSource } from './source-stage.js';
import { sourceSize } from './source-stage.js';

/** Shrinks camera frames before processing: the budget's last resort (its cheapest level works at half size). */
export interface FrameScaler {
  /** `frame` itself at scale 1, else a copy at `scale` of its size (even sides) that stays valid until the next call. */
  scale(frame: FrameSource, scale: number): FrameSource;
  dispose(): void;
}

/** Even sides (what video encoders want), at least 2. Pure. */
export function scaledSize(
  size: { width: number; height: number },
  scale: number,
): { width: number; height: number } {
  const even = (x: number) => Math.max(2, Math.round((x * scale) / 2) * 2);
  return { width: even(size.width), height: even(size.height) };
}

export function createFrameScaler(): FrameScaler {
  let canvas: OffscreenCanvas | null = null;
  let ctx: OffscreenCanvasRenderingContext2D | null = null;
  return {
    scale(frame, scale) {
      // ImageData cannot be drawn scaled (only the mask processor passes it, and it never scales).
      if (!(scale < 1) || (typeof ImageData !== 'undefined' && frame instanceof ImageData)) return frame;
      const size = scaledSize(sourceSize(frame), scale);
      canvas ??= new OffscreenCanvas(size.width, size.height);
      ctx ??= canvas.getContext('2d');
      if (!ctx) return frame;
      if (canvas.width !== size.width || canvas.height !== size.height) {
        canvas.width = size.width;
        canvas.height = size.height;
      }
      ctx.imageSmoothingQuality = 'medium';
      ctx.drawImage(frame as CanvasImageSource, 0, 0, size.width, size.height);
      return canvas;
    },
    dispose() {
      if (canvas) {
        canvas.width = 1;
        canvas.height = 1;
      }
      canvas = null;
      ctx = null;
    },
  };
}

import type { FrameSource } from './source-stage.js';

/**
 * A made-up I420 camera frame (a diagonal pattern, so the refinement sees edges and texture): what the start
 * warms the per-frame code on before the camera's frames arrive. Null where VideoFrame is missing.
 */
export function syntheticFrame(width: number, height: number): { source: FrameSource; close(): void } | null {
  if (typeof VideoFrame !== 'function') return null;
  const w = Math.max(2, Math.round(width / 2) * 2);
  const h = Math.max(2, Math.round(height / 2) * 2);
  const data = new Uint8Array((w * h * 3) / 2);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[y * w + x] = ((x + y) * 3) & 255;
  data.fill(128, w * h);
  try {
    const frame = new VideoFrame(data, { format: 'I420', codedWidth: w, codedHeight: h, timestamp: 0 });
    return { source: frame, close: () => frame.close() };
  } catch {
    return null;
  }
}

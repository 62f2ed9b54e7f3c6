/**
 * A 30 fps "camera" made of the bench's frames, for browsers whose fake camera is synthetic (Firefox): the same
 * numbered frames Chromium's y4m is made from, cover-scaled and centre-cropped to width x height (as ffmpeg does
 * for the y4m), decoded once, then painted in a loop on a canvas whose captureStream() is the track.
 */
export interface CanvasCamera {
  track: MediaStreamTrack;
  /** Frames painted so far (the camera's delivered frames). */
  painted(): number;
  stop(): void;
}

const FPS = 30;

/** Cover-crop of a src box into dst: the source rectangle to draw. Pure. */
export function coverCrop(
  src: { width: number; height: number },
  dst: { width: number; height: number },
): { sx: number; sy: number; sw: number; sh: number } {
  const scale = Math.max(dst.width / src.width, dst.height / src.height);
  const sw = dst.width / scale;
  const sh = dst.height / scale;
  return { sx: (src.width - sw) / 2, sy: (src.height - sh) / 2, sw, sh };
}

export async function startCanvasCamera(
  frameUrls: readonly string[],
  width: number,
  height: number,
): Promise<CanvasCamera> {
  if (frameUrls.length === 0) throw new Error('no frames for the canvas camera');
  const frames: ImageBitmap[] = [];
  try {
    for (const url of frameUrls) {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
      const decoded = await createImageBitmap(await response.blob());
      try {
        const c = coverCrop(decoded, { width, height });
        // Cropped and scaled once here, so each tick is a plain copy.
        frames.push(
          await createImageBitmap(decoded, c.sx, c.sy, c.sw, c.sh, {
            resizeWidth: width,
            resizeHeight: height,
            resizeQuality: 'high',
          }),
        );
      } finally {
        decoded.close();
      }
    }
  } catch (error) {
    for (const f of frames) f.close();
    throw error;
  }
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d')!;
  let count = 0;
  const paint = () => {
    ctx.drawImage(frames[count % frames.length]!, 0, 0);
    count++;
  };
  paint();
  // A 30 Hz clock against the start, not the previous tick: no drift, and a late tick skips to the next slot
  // (a camera drops frames, it does not send a burst).
  const start = performance.now();
  const interval = 1000 / FPS;
  let slot = 0;
  let timer = 0;
  const schedule = () => {
    // A timer that fires a little early must not paint the same slot twice.
    slot = Math.max(slot + 1, Math.floor((performance.now() - start) / interval) + 1);
    timer = window.setTimeout(tick, Math.max(0, start + slot * interval - performance.now()));
  };
  const tick = () => {
    paint();
    schedule();
  };
  schedule();
  // No frame rate: each paint is one frame of the track. With one, Firefox drops a paint that comes a little
  // early against its own 1/FPS clock (the effects' output track lost 11-14 % of its frames that way).
  const track = canvas.captureStream().getVideoTracks()[0]!;
  return {
    track,
    painted: () => count,
    stop() {
      clearTimeout(timer);
      track.stop();
      for (const f of frames) f.close();
    },
  };
}

import { EffectError } from '../errors.js';
import { detectFeatures } from '../features.js';
import { FrameIntervalMeter } from '../mask/frame-interval.js';
import type { OutputSink } from './output-mux.js';

/**
 * Frames handed to the worker and not yet back. Two keeps the worker busy back to back (the next frame waits
 * in its queue while one is processed) instead of idling until the next camera frame after each result, at
 * the cost of at most one frame of latency. More would only queue stale frames.
 */
export const MAX_FRAMES_IN_FLIGHT = 2;

export interface FramesPipelineStats {
  /** Camera frames not handed to the worker because MAX_FRAMES_IN_FLIGHT were still out. */
  framesSkipped: number;
  /** Main-thread ms per frame (EMA): wrapping the camera frame and sending it, showing the result. */
  mainThreadMsPerFrame: number;
}

export interface FramesPipeline extends OutputSink {
  track: MediaStreamTrack;
  /** A processed frame came back from the worker (null: none could be made). Takes ownership. */
  deliver(bitmap: ImageBitmap | null): void;
  /** What the pipeline costs the page. */
  stats(): FramesPipelineStats;
  dispose(): void;
}

/**
 * The pipeline for browsers without MediaStreamTrackProcessor (Firefox, Safari): the page paces frames with
 * requestVideoFrameCallback, hands each to the worker, and shows the worker's result on a canvas whose
 * captureStream() is the output track. At most MAX_FRAMES_IN_FLIGHT frames are out; the worker does the work.
 * Every camera frame the page sees (sent or skipped) times the camera's interval, which the worker's budget
 * needs: the frames that reach it are sparser than the camera's whenever it falls behind.
 */
export async function createFramesPipeline(
  camera: MediaStreamTrack,
  send: (frame: VideoFrame | ImageBitmap, timestampMs: number, cameraIntervalMs: number | null) => void,
): Promise<FramesPipeline> {
  const features = detectFeatures();
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.srcObject = new MediaStream([camera]);
  // In the document (1 px, transparent, inert): Firefox runs frame callbacks of a detached <video> at a
  // fraction of the camera's rate (12 of 24 frames/s measured here, against 20-27 of 24-30 when attached).
  video.setAttribute('aria-hidden', 'true');
  video.style.cssText =
    'position:fixed;left:0;top:0;width:1px;height:1px;opacity:0;pointer-events:none;z-index:-1';
  document.body?.append(video);
  await video.play().catch((cause: unknown) => {
    video.remove();
    throw new EffectError('unsupported', 'could not play the camera track', { cause });
  });
  const canvas = document.createElement('canvas');
  const settings = camera.getSettings();
  canvas.width = settings.width ?? (video.videoWidth || 640);
  canvas.height = settings.height ?? (video.videoHeight || 480);
  const ctx = canvas.getContext('bitmaprenderer');
  if (!ctx) {
    video.remove();
    throw EffectError.unsupported('no bitmaprenderer canvas context');
  }
  const fps = settings.frameRate ?? 30;
  // No frame rate: every frame the worker delivers becomes one frame of the track. With a rate, Firefox
  // captures at most one frame per 1/rate, and a frame delivered a little early (the worker's output is not
  // evenly spaced) was dropped: bench:speed, Firefox 153, 640x480, level held at 4, 15 s: the display got 86-89 %
  // of the frames the effect made (325 of 379, 349 of 392), and 98-99 % without one (390 of 395, 401 of 410), with
  // no frame shown twice.
  const track = canvas.captureStream().getVideoTracks()[0];
  if (!track) {
    video.remove();
    throw EffectError.unsupported('canvas.captureStream() gave no track');
  }

  // The camera's own rate when it states one (a real camera); else measured (a canvas track states none).
  const nominalMs = settings.frameRate ? 1000 / settings.frameRate : null;
  const meter = new FrameIntervalMeter();
  let inFlight = 0;
  let skipped = 0;
  let mainMs = Number.NaN;
  const spent = (ms: number) => {
    mainMs = Number.isNaN(mainMs) ? ms : mainMs + 0.1 * (ms - mainMs);
  };
  let disposed = false;
  let handle = 0;
  let lastFrameAt: number | null = null;
  let standIns = 0;
  let standInCanvas: OffscreenCanvas | null = null;
  const grab = async (mediaTimeMs: number) => {
    if (disposed || video.videoWidth === 0) return;
    if (inFlight >= MAX_FRAMES_IN_FLIGHT) {
      skipped++;
      return;
    }
    inFlight++;
    const t0 = performance.now();
    try {
      const frame = features.videoFrame
        ? new VideoFrame(video, { timestamp: Math.round(mediaTimeMs * 1000) })
        : await createImageBitmap(video);
      if (disposed) {
        frame.close();
        return;
      }
      try {
        send(frame, mediaTimeMs, nominalMs ?? meter.intervalMs());
        spent(performance.now() - t0);
      } catch (error) {
        // Not transferred: still ours to close.
        frame.close();
        throw error;
      }
    } catch {
      // This camera frame is skipped; the next callback tries again.
      inFlight--;
    }
  };
  const schedule = () => {
    if (disposed) return;
    if (features.videoFrameCallback) {
      handle = video.requestVideoFrameCallback((now, meta) => {
        meter.frame(now, meta.presentedFrames);
        void grab(meta.mediaTime * 1000);
        schedule();
      });
    } else {
      handle = window.setTimeout(() => {
        void grab(performance.now());
        schedule();
      }, 1000 / fps);
    }
  };
  schedule();

  return {
    track,
    get lastFrameAt() {
      return lastFrameAt;
    },
    get standIns() {
      return standIns;
    },
    writeStandIn() {
      if (disposed || lastFrameAt === null) return;
      standInCanvas ??= new OffscreenCanvas(canvas.width, canvas.height);
      if (standInCanvas.width !== canvas.width || standInCanvas.height !== canvas.height) {
        standInCanvas.width = canvas.width;
        standInCanvas.height = canvas.height;
      }
      const dark = standInCanvas.getContext('2d');
      if (!dark) return;
      dark.fillStyle = '#262626'; // plainly "no picture": nothing of the camera, and not a frozen one
      dark.fillRect(0, 0, canvas.width, canvas.height);
      standIns++;
      ctx.transferFromImageBitmap(standInCanvas.transferToImageBitmap());
    },
    deliver(bitmap) {
      inFlight = Math.max(0, inFlight - 1);
      if (!bitmap) return;
      if (disposed) {
        bitmap.close();
        return;
      }
      lastFrameAt = performance.now();
      if (canvas.width !== bitmap.width || canvas.height !== bitmap.height) {
        canvas.width = bitmap.width;
        canvas.height = bitmap.height;
      }
      const t0 = performance.now();
      // Takes ownership of the bitmap.
      ctx.transferFromImageBitmap(bitmap);
      spent(performance.now() - t0);
    },
    stats: () => ({
      framesSkipped: skipped,
      mainThreadMsPerFrame: Number.isNaN(mainMs) ? 0 : Math.round(mainMs * 100) / 100,
    }),
    dispose() {
      disposed = true;
      if (features.videoFrameCallback) video.cancelVideoFrameCallback(handle);
      else clearTimeout(handle);
      video.pause();
      video.srcObject = null;
      video.remove();
      track.stop();
      standInCanvas = null;
    },
  };
}

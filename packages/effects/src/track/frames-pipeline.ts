import { EffectError } from '../errors.js';
import { detectFeatures } from '../features.js';

export interface FramesPipeline {
  track: MediaStreamTrack;
  /** A processed frame came back from the worker (null: none could be made). Takes ownership. */
  deliver(bitmap: ImageBitmap | null): void;
  dispose(): void;
}

/**
 * The pipeline for browsers without MediaStreamTrackProcessor (Firefox, Safari): the page paces frames with
 * requestVideoFrameCallback, hands each to the worker, and shows the worker's result on a canvas whose
 * captureStream() is the output track. One frame is in flight at a time; the worker does the work.
 */
export async function createFramesPipeline(
  camera: MediaStreamTrack,
  send: (frame: VideoFrame | ImageBitmap, timestampMs: number) => void,
): Promise<FramesPipeline> {
  const features = detectFeatures();
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.srcObject = new MediaStream([camera]);
  await video.play().catch((cause: unknown) => {
    throw new EffectError('unsupported', 'could not play the camera track', { cause });
  });
  const canvas = document.createElement('canvas');
  const settings = camera.getSettings();
  canvas.width = settings.width ?? (video.videoWidth || 640);
  canvas.height = settings.height ?? (video.videoHeight || 480);
  const ctx = canvas.getContext('bitmaprenderer');
  if (!ctx) throw EffectError.unsupported('no bitmaprenderer canvas context');
  const fps = settings.frameRate ?? 30;
  const track = canvas.captureStream(fps).getVideoTracks()[0];
  if (!track) throw EffectError.unsupported('canvas.captureStream() gave no track');

  let inFlight = false;
  let disposed = false;
  let handle = 0;
  const grab = async (mediaTimeMs: number) => {
    if (inFlight || disposed || video.videoWidth === 0) return;
    inFlight = true;
    try {
      const frame = features.videoFrame
        ? new VideoFrame(video, { timestamp: Math.round(mediaTimeMs * 1000) })
        : await createImageBitmap(video);
      if (disposed) {
        frame.close();
        return;
      }
      try {
        send(frame, mediaTimeMs);
      } catch (error) {
        // Not transferred: still ours to close.
        frame.close();
        throw error;
      }
    } catch {
      // This camera frame is skipped; the next callback tries again.
      inFlight = false;
    }
  };
  const schedule = () => {
    if (disposed) return;
    if (features.videoFrameCallback) {
      handle = video.requestVideoFrameCallback((_now, meta) => {
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
    deliver(bitmap) {
      inFlight = false;
      if (!bitmap) return;
      if (disposed) {
        bitmap.close();
        return;
      }
      if (canvas.width !== bitmap.width || canvas.height !== bitmap.height) {
        canvas.width = bitmap.width;
        canvas.height = bitmap.height;
      }
      // Takes ownership of the bitmap.
      ctx.transferFromImageBitmap(bitmap);
    },
    dispose() {
      disposed = true;
      if (features.videoFrameCallback) video.cancelVideoFrameCallback(handle);
      else clearTimeout(handle);
      video.pause();
      video.srcObject = null;
      track.stop();
    },
  };
}

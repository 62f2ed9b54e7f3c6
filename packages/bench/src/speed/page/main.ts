/**
 * Speed-bench page: puts one processor on the fake camera, shows its output track in a <video> and counts
 * what is delivered. Driven by the speed CLI through `window.speedApi`.
 */
import { type BackgroundEffect, createBackgroundEffect } from '@backdrop/effects';
import { BackgroundProcessor } from '@livekit/track-processors';
import { LocalVideoTrack } from 'livekit-client';
import { backgroundImage } from './background.js';
import { type CanvasCamera, startCanvasCamera } from './canvas-camera.js';

export type SpeedProcessor =
  | 'none'
  | 'backdrop-none'
  | 'backdrop-blur'
  | 'backdrop-replace'
  | 'livekit-blur'
  | 'livekit-replace';

export interface WindowResult {
  seconds: number;
  framesOut: number;
  /**
   * Frames Backdrop's effect made in the window (its own count), null for other processors: against
   * `framesOut`, what the output track and the display lost after the effect.
   */
  effectFramesOut: number | null;
  fpsIn: number | null;
  /** True when fpsIn was counted (track stats or canvas paints), false when it is the camera's nominal rate. */
  fpsInCounted: boolean;
  effectMs: number[] | null;
  /** Backdrop's own percentiles (its last 300 frames), when it is the processor. */
  effectStats: { p50: number; p95: number; details: Record<string, unknown> } | null;
  /** Null where the browser has no long-task timing (Firefox). */
  longTaskMs: number | null;
  jsHeapMB: number | null;
}

export interface SpeedApi {
  start(options: {
    processor: SpeedProcessor;
    width: number;
    height: number;
    /** LiveKit's segmentation delegate; unset keeps its default (GPU), as a user gets it. */
    livekitDelegate?: 'CPU' | 'GPU';
    /** Paint these frames on a canvas as the camera instead of getUserMedia (browsers with a synthetic fake camera). */
    frameUrls?: string[];
  }): Promise<{ width: number; height: number }>;
  /** Starts a measuring window (counters reset). */
  mark(): void;
  /** Ends the window started by mark(). */
  read(): WindowResult;
  jsHeapMB(): number | null;
}

let video: HTMLVideoElement | undefined;
let camera: MediaStreamTrack | undefined;
let canvasCamera: CanvasCamera | undefined;
let effect: BackgroundEffect | undefined;
let livekitMs: number[] = [];
let frames = 0;
let cameraFramesAtMark: number | null = null;
let effectFramesAtMark: number | null = null;

/** Frames the camera delivered so far (canvas paints, or MediaStreamTrack.stats in Chromium 121+), or null. */
function cameraFrames(): number | null {
  if (canvasCamera) return canvasCamera.painted();
  const stats = (camera as (MediaStreamTrack & { stats?: { totalFrames?: number } }) | undefined)?.stats;
  return typeof stats?.totalFrames === 'number' ? stats.totalFrames : null;
}
let longTaskMs = 0;
let windowStart = 0;
let processorName: SpeedProcessor = 'none';

const hasLongTasks = PerformanceObserver.supportedEntryTypes?.includes('longtask') ?? false;
if (hasLongTasks)
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) longTaskMs += entry.duration;
  }).observe({ type: 'longtask', buffered: false });

function jsHeapMB(): number | null {
  // Non-standard (Chromium): bucketed unless cross-origin isolated, which this page is.
  const memory = (performance as Performance & { memory?: { usedJSHeapSize: number } }).memory;
  return memory ? memory.usedJSHeapSize / 2 ** 20 : null;
}

async function process(
  kind: SpeedProcessor,
  track: MediaStreamTrack,
  livekitDelegate: 'CPU' | 'GPU' | undefined,
): Promise<MediaStreamTrack> {
  if (kind === 'none') return track;
  if (kind === 'backdrop-none' || kind === 'backdrop-blur' || kind === 'backdrop-replace') {
    effect = await createBackgroundEffect(track, {
      mode:
        kind === 'backdrop-none'
          ? { kind: 'none' }
          : kind === 'backdrop-blur'
            ? { kind: 'blur', strength: 0.6 }
            : { kind: 'replace', image: await backgroundImage() },
    });
    await effect.whenReady();
    return effect.track;
  }
  // As an app does it: livekit-client's LocalVideoTrack with the processor set on it.
  const assetPaths = {
    tasksVisionFileSet: '/livekit/wasm',
    modelAssetPath: '/livekit/selfie_segmentation_landscape.tflite',
  };
  const onFrameProcessed = (stats: { filterTimeMs: number }) => {
    // filterTimeMs spans segmentation + drawing + the new VideoFrame (processingTimeMs counts segmentation twice).
    livekitMs.push(stats.filterTimeMs);
  };
  const common = {
    assetPaths,
    onFrameProcessed,
    ...(livekitDelegate ? { segmenterOptions: { delegate: livekitDelegate } } : {}),
  };
  const processor =
    kind === 'livekit-blur'
      ? BackgroundProcessor({ mode: 'background-blur', blurRadius: 10, ...common })
      : BackgroundProcessor({
          mode: 'virtual-background',
          imagePath: URL.createObjectURL(await backgroundImage()),
          ...common,
        });
  const local = new LocalVideoTrack(track, undefined, true);
  await local.setProcessor(processor);
  return local.mediaStreamTrack;
}

const api: SpeedApi = {
  async start({ processor, width, height, livekitDelegate, frameUrls }) {
    processorName = processor;
    if (frameUrls) {
      canvasCamera = await startCanvasCamera(frameUrls, width, height);
      camera = canvasCamera.track;
    } else {
      const stream = await navigator.mediaDevices.getUserMedia({
        video: { width: { exact: width }, height: { exact: height }, frameRate: 30 },
      });
      camera = stream.getVideoTracks()[0]!;
    }
    const output = await process(processor, camera, livekitDelegate);
    video = document.createElement('video');
    video.muted = true;
    video.playsInline = true;
    video.srcObject = new MediaStream([output]);
    document.body.append(video);
    await video.play();
    const count = () => {
      frames++;
      video?.requestVideoFrameCallback(count);
    };
    video.requestVideoFrameCallback(count);
    const settings = camera.getSettings();
    // A canvas track reports no size in Firefox: the canvas is the size asked for.
    return canvasCamera ? { width, height } : { width: settings.width ?? 0, height: settings.height ?? 0 };
  },
  mark() {
    frames = 0;
    cameraFramesAtMark = cameraFrames();
    effectFramesAtMark = effect?.stats()?.framesOut ?? null;
    longTaskMs = 0;
    livekitMs = [];
    windowStart = performance.now();
  },
  read() {
    const seconds = (performance.now() - windowStart) / 1000;
    const stats = effect?.stats();
    const delivered = cameraFrames();
    return {
      seconds,
      framesOut: frames,
      effectFramesOut: stats && effectFramesAtMark !== null ? stats.framesOut - effectFramesAtMark : null,
      fpsIn:
        delivered !== null && cameraFramesAtMark !== null
          ? (delivered - cameraFramesAtMark) / seconds
          : (camera?.getSettings().frameRate ?? null),
      fpsInCounted: delivered !== null && cameraFramesAtMark !== null,
      effectMs: processorName.startsWith('livekit') ? livekitMs : null,
      effectStats: stats
        ? {
            p50: stats.msPerFrameP50,
            p95: stats.msPerFrameP95,
            details: {
              renderer: stats.renderer,
              kernels: stats.kernels,
              rendererMeasuredMs: stats.rendererMeasuredMs,
              delegate: stats.delegate,
              pipeline: stats.pipeline,
              fpsIn: stats.fpsIn,
              fpsOut: stats.fpsOut,
              msPerStage: stats.msPerStage,
              budgetLevel: stats.budget?.level ?? null,
              degraded: stats.degraded?.message ?? null,
              page: stats.page ?? null,
              budgetQuality: stats.budget?.quality ?? null,
              // How it got there: each level change (ms into the run, from, to, why).
              budgetDecisions: stats.budget?.decisions ?? [],
              privacyFrames: stats.privacyFrames,
            },
          }
        : null,
      longTaskMs: hasLongTasks ? longTaskMs : null,
      jsHeapMB: jsHeapMB(),
    };
  },
  jsHeapMB,
};

(globalThis as unknown as { speedApi: SpeedApi }).speedApi = api;
document.body.dataset.ready = '1';

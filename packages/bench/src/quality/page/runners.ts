/// <reference types="dom-mediacapture-transform" />
import { createMaskProcessor } from '@backdrop/effects';
import { BackgroundProcessor } from '@livekit/track-processors';
import { encodeRle } from '../rle.js';
import { maskFromKeyed, upsampleThreshold } from './masks.js';

export interface FrameResult {
  width: number;
  height: number;
  /** The predicted person mask (thresholded at 0.5), run-length encoded. */
  runs: number[];
  /** Wall-clock ms the processor took for this frame. */
  ms: number;
}

export interface Runner {
  /** What ran, for the report (back end and delegate chosen at start-up). */
  readonly description: string;
  process(image: ImageBitmap, timestampMs: number, reset: boolean): Promise<FrameResult>;
  /** Backdrop only: the engine's ms per stage (moving averages, the last ~10 frames weigh most). */
  stages?(): Record<string, number>;
  dispose(): void;
}

/** Backdrop's mask path (or its bare model output for `raw`): the same code the live effect runs. */
export async function createBackdropRunner(kind: 'backdrop' | 'raw'): Promise<Runner> {
  const processor = createMaskProcessor({ adaptive: false });
  await processor.ready();
  const { renderer, delegate } = processor.stats();
  return {
    description: `renderer ${renderer}, delegate ${delegate ?? '?'}`,
    async process(image, timestampMs, reset) {
      if (reset) processor.reset();
      const started = performance.now();
      const result = await processor.process(image, timestampMs);
      const ms = performance.now() - started;
      const { width, height } = result;
      const bits =
        kind === 'raw'
          ? upsampleThreshold(result.raw.data, result.raw.width, result.raw.height, width, height)
          : result.alpha.map((a) => (a >= 128 ? 1 : 0));
      return { width, height, runs: encodeRle(bits), ms };
    },
    stages: () => ({ ...processor.stats().msPerStage }),
    dispose: () => processor.dispose(),
  };
}

const KEY = [0, 255, 0] as const;
/** Each image is sent this many times and the last output scored (see createLivekitRunner). */
const REPEATS = 3;

/**
 * @livekit/track-processors as an app uses it: a BackgroundProcessor on a video track that is shown in a video
 * element, with a flat key-colour virtual background, default options (GPU delegate), local model and wasm.
 * Frames go in through a MediaStreamTrackGenerator and come out of its processed track; the person mask is
 * recovered from the key colour.
 */
export async function createLivekitRunner(assets: { wasm: string; model: string }): Promise<Runner> {
  const key = document.createElement('canvas');
  key.width = 64;
  key.height = 64;
  const keyCtx = key.getContext('2d')!;
  keyCtx.fillStyle = `rgb(${KEY.join(',')})`;
  keyCtx.fillRect(0, 0, 64, 64);
  const keyUrl = URL.createObjectURL(await new Promise<Blob>((r) => key.toBlob((b) => r(b!), 'image/png')));

  const generator = new MediaStreamTrackGenerator({ kind: 'video' });
  const writer = generator.writable.getWriter();
  const processor = BackgroundProcessor({
    mode: 'virtual-background',
    imagePath: keyUrl,
    assetPaths: { tasksVisionFileSet: assets.wasm, modelAssetPath: assets.model },
  });
  // The processor waits for the track to have a size, and once for the preview element's next frame.
  const primer = new OffscreenCanvas(64, 48);
  primer.getContext('2d')!.fillRect(0, 0, 64, 48);
  await writer.write(new VideoFrame(primer, { timestamp: 0 }));
  const element = document.createElement('video');
  element.muted = true;
  element.playsInline = true;
  element.srcObject = new MediaStream([generator]);
  document.body.append(element);
  void element.play();
  await processor.init({ kind: 'video', track: generator, element } as never);
  const output = processor.processedTrack;
  if (!output) throw new Error('livekit processor produced no track');
  const reader = new MediaStreamTrackProcessor({
    track: output as MediaStreamVideoTrack,
  }).readable.getReader();
  const canvas = new OffscreenCanvas(1, 1);
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;

  const readFrame = async (timeoutMs: number): Promise<VideoFrame> => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`livekit produced no frame in ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      const { value } = await Promise.race([reader.read(), timeout]);
      if (!value) throw new Error('livekit output ended');
      return value;
    } finally {
      clearTimeout(timer);
    }
  };

  let sent = 0;
  return {
    description: 'BackgroundProcessor virtual-background',
    async process(image, _timestampMs) {
      const { width, height } = image;
      canvas.width = width;
      canvas.height = height;
      ctx.drawImage(image, 0, 0);
      const original = ctx.getImageData(0, 0, width, height).data;
      // Outputs are counted, not matched (timestamps do not survive the tracks in between), and LiveKit emits
      // an extra raw copy of its first frame, so one output may lag one input. Each image is therefore sent
      // REPEATS times and the last output scored; LiveKit's result depends on the current frame only, so the
      // repeats change nothing but the alignment. ms is the time of the last round trip.
      let frame: VideoFrame | undefined;
      let ms = 0;
      for (let r = 0; r < REPEATS; r++) {
        frame?.close();
        const started = performance.now();
        await writer.write(new VideoFrame(image, { timestamp: ++sent * 33_333 }));
        frame = await readFrame(30_000);
        ms = performance.now() - started;
      }
      try {
        ctx.drawImage(frame!, 0, 0, width, height);
      } finally {
        frame!.close();
      }
      const bits = maskFromKeyed(ctx.getImageData(0, 0, width, height).data, original, KEY);
      return { width, height, runs: encodeRle(bits), ms };
    },
    dispose() {
      void processor.destroy();
      generator.stop();
      element.remove();
      URL.revokeObjectURL(keyUrl);
    },
  };
}

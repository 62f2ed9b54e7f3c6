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
  process(image: ImageBitmap, timestampMs: number, reset: boolean): Promise<FrameResult>;
  dispose(): void;
}

/** Backdrop's mask path (or its bare model output for `raw`): the same code the live effect runs. */
export async function createBackdropRunner(kind: 'backdrop' | 'raw'): Promise<Runner> {
  const processor = createMaskProcessor({ adaptive: false });
  await processor.ready();
  return {
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
    dispose: () => processor.dispose(),
  };
}

const KEY = [0, 255, 0] as const;

/**
 * @livekit/track-processors as an app would use it: a BackgroundProcessor on a video track with a flat key-colour
 * virtual background, its default options (GPU delegate), local model and wasm. Frames go in through a
 * MediaStreamTrackGenerator and come out of its processed track; the mask is recovered from the key colour.
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
  // Prime the track so the processor sees a size, as a camera track would have.
  const primer = new OffscreenCanvas(64, 48);
  primer.getContext('2d')!.fillRect(0, 0, 64, 48);
  await writer.write(new VideoFrame(primer, { timestamp: 0 }));
  await processor.init({
    kind: 'video' as never,
    track: generator,
    element: document.createElement('video'),
  } as never);
  const output = processor.processedTrack;
  if (!output) throw new Error('livekit processor produced no track');
  const reader = new MediaStreamTrackProcessor({
    track: output as MediaStreamVideoTrack,
  }).readable.getReader();
  const canvas = new OffscreenCanvas(1, 1);
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;

  const readFrame = async (timeoutMs: number): Promise<VideoFrame> => {
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error('livekit produced no frame')), timeoutMs),
    );
    const { value } = await Promise.race([reader.read(), timeout]);
    if (!value) throw new Error('livekit output ended');
    return value;
  };

  return {
    async process(image, timestampMs) {
      const { width, height } = image;
      canvas.width = width;
      canvas.height = height;
      ctx.drawImage(image, 0, 0);
      const original = ctx.getImageData(0, 0, width, height).data;
      const started = performance.now();
      await writer.write(new VideoFrame(image, { timestamp: Math.round((timestampMs + 1000) * 1000) }));
      // The processor emits one frame per input frame; skip anything left from the primer or resizing.
      let frame = await readFrame(10_000);
      while (frame.displayWidth !== width || frame.displayHeight !== height) {
        frame.close();
        frame = await readFrame(10_000);
      }
      const ms = performance.now() - started;
      try {
        ctx.drawImage(frame, 0, 0, width, height);
      } finally {
        frame.close();
      }
      const bits = maskFromKeyed(ctx.getImageData(0, 0, width, height).data, original, KEY);
      return { width, height, runs: encodeRle(bits), ms };
    },
    dispose() {
      void processor.destroy();
      generator.stop();
      URL.revokeObjectURL(keyUrl);
    },
  };
}

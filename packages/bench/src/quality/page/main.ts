import { createBackdropRunner, createLivekitRunner, type FrameResult, type Runner } from './runners.js';

/** The page's API, driven by the eval CLI through playwright. */
export interface EvalApi {
  /** Returns what runs (back end, delegate). */
  start(processor: 'backdrop' | 'raw' | 'livekit'): Promise<string>;
  process(imageUrl: string, timestampMs: number, reset: boolean): Promise<FrameResult>;
  /** The running processor's ms per stage, or null when it has none (see Runner.stages). */
  stages(): Record<string, number> | null;
  stop(): void;
}

let runner: Runner | undefined;

const api: EvalApi = {
  async start(processor) {
    runner?.dispose();
    runner =
      processor === 'livekit'
        ? await createLivekitRunner({
            wasm: '/livekit/wasm',
            model: '/assets/effects/selfie_segmentation_landscape.tflite',
          })
        : await createBackdropRunner(processor);
    return runner.description;
  },
  async process(imageUrl, timestampMs, reset) {
    if (!runner) throw new Error('start() first');
    const response = await fetch(imageUrl);
    if (!response.ok) throw new Error(`${imageUrl}: HTTP ${response.status}`);
    const image = await createImageBitmap(await response.blob());
    try {
      return await runner.process(image, timestampMs, reset);
    } finally {
      image.close();
    }
  },
  stages() {
    return runner?.stages?.() ?? null;
  },
  stop() {
    runner?.dispose();
    runner = undefined;
  },
};

(globalThis as unknown as { evalApi: EvalApi }).evalApi = api;
document.body.dataset.ready = '1';

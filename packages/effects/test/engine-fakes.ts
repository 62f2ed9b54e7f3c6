import { EffectError } from '../src/errors.js';
import type { Composition, Compositor } from '../src/render/compositor.js';
import type { Segmenter } from '../src/segmentation/segmenter.js';

// Fakes for the engine's boundaries (back end and model), for its Node logic tests (src/worker/engine.test.ts).

// Node has no ImageData; the engine builds one for the mirrored model pass (mask/mirror.ts).
if (typeof globalThis.ImageData === 'undefined') {
  globalThis.ImageData = class {
    readonly colorSpace = 'srgb';
    constructor(
      readonly data: Uint8ClampedArray,
      readonly width: number,
      readonly height: number,
    ) {}
  } as unknown as typeof ImageData;
}

/** Records what the engine asks of the back end; no canvas, no GL. */
export class FakeCompositor implements Compositor {
  readonly renderer = 'canvas2d' as const;
  readonly canvas = {} as OffscreenCanvas;
  readonly log: string[] = [];
  background: unknown = null;
  disposed = false;
  prepare(): void {
    this.log.push('prepare');
  }
  modelInput(): ImageData {
    return { width: 256, height: 144, data: new Uint8ClampedArray(256 * 144 * 4) } as ImageData;
  }
  /** The masks handed to setMask, in order. */
  readonly masks: Float32Array[] = [];
  setMask(mask: Float32Array): void {
    this.masks.push(mask.slice());
    this.log.push('setMask');
  }
  refine(): void {
    this.log.push('refine');
  }
  composite(composition: Composition): void {
    this.log.push(`composite:${composition.kind}`);
  }
  readAlpha() {
    return { width: 2, height: 1, data: new Uint8Array([0, 255]) };
  }
  setBackground(image: ImageBitmap | null): void {
    this.background = image;
  }
  outputFrame(): VideoFrame {
    this.log.push('outputFrame');
    return {} as VideoFrame;
  }
  outputBitmap(): ImageBitmap {
    this.log.push('outputBitmap');
    return {} as ImageBitmap;
  }
  resetTemporal(): void {}
  dispose(): void {
    this.disposed = true;
  }
  composites(): string[] {
    return this.log.filter((l) => l.startsWith('composite:')).map((l) => l.slice(10));
  }
}

export function fakeSegmenter(failOn?: number) {
  let calls = 0;
  const segmenter: Segmenter & { calls(): number; closed: boolean } = {
    delegate: 'CPU',
    closed: false,
    segment() {
      calls++;
      if (calls === failOn) throw new EffectError('segmentation_failed', 'boom');
      return { width: 256, height: 144, data: new Float32Array(256 * 144).fill(0.9) };
    },
    close() {
      segmenter.closed = true;
    },
    calls: () => calls,
  };
  return segmenter;
}

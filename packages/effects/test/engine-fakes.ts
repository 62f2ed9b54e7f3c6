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
  /** The model input sizes asked for, in order ('256x144'). */
  readonly inputs: string[] = [];
  modelInput(size = { width: 256, height: 144 }): ImageData {
    this.inputs.push(`${size.width}x${size.height}`);
    const { width, height } = size;
    return { width, height, data: new Uint8ClampedArray(width * height * 4) } as ImageData;
  }
  /** The masks handed to setMask, in order, and their sizes ('256x144'). */
  readonly masks: Float32Array[] = [];
  readonly maskSizes: string[] = [];
  setMask(mask: Float32Array, width: number, height: number): void {
    this.masks.push(mask.slice());
    this.maskSizes.push(`${width}x${height}`);
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

/** A model that answers `value` everywhere; `input`: its input (and output) size, like the landscape model's. */
export function fakeSegmenter(failOn?: number, input = { width: 256, height: 144 }, value = 0.9) {
  let calls = 0;
  const segmenter: Segmenter & { calls(): number; closed: boolean } = {
    delegate: 'CPU',
    closed: false,
    segment(image) {
      calls++;
      if (calls === failOn) throw new EffectError('segmentation_failed', 'boom');
      if (image.width !== input.width || image.height !== input.height)
        throw new EffectError('segmentation_failed', `model input must be ${input.width}x${input.height}`);
      const { width, height } = input;
      return { width, height, data: new Float32Array(width * height).fill(value) };
    },
    close() {
      segmenter.closed = true;
    },
    calls: () => calls,
  };
  return segmenter;
}

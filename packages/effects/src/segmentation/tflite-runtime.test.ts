import { describe, expect, it } from 'vitest';
import { createTensorKernel } from '../mask/wasm/tensor-kernel.js';
import { createTfliteSegmenter, type TfliteModule } from './tflite-runtime.js';

const IN = { width: 4, height: 2 };
const OUT = { width: 3, height: 2 };

/**
 * A stand-in for Twilio's TFLite module: one heap, a model buffer, an input tensor and an output tensor. Its
 * "inference" writes into the output the mean of the input tensor's red channel plus a count of the runs, so a
 * test can tell which run (and which picture) an output came from.
 */
function fakeModule(channels = 1) {
  const heap = new ArrayBuffer(4096);
  const modelAt = 0;
  const inputAt = 256;
  const outputAt = 1024;
  let runs = 0;
  const module: TfliteModule = {
    HEAPU8: new Uint8Array(heap),
    HEAPF32: new Float32Array(heap),
    _getModelBufferMemoryOffset: () => modelAt,
    _loadModel: () => 0,
    _getInputMemoryOffset: () => inputAt,
    _getInputWidth: () => IN.width,
    _getInputHeight: () => IN.height,
    _getInputChannelCount: () => 3,
    _getOutputMemoryOffset: () => outputAt,
    _getOutputWidth: () => OUT.width,
    _getOutputHeight: () => OUT.height,
    _getOutputChannelCount: () => channels,
    _runInference() {
      runs++;
      const f32 = module.HEAPF32;
      // The first pixel's red, so a mirrored input (the last pixel first) reads differently.
      const firstRed = f32[inputAt / 4]!;
      for (let i = 0; i < OUT.width * OUT.height * channels; i++)
        f32[outputAt / 4 + i] = runs + firstRed + i / 100;
      return 0;
    },
  };
  return module;
}

/** A picture whose pixels' red grows left to right (red = 10 * x), as the plain object the segmenter reads. */
function picture(): ImageData {
  const data = new Uint8ClampedArray(IN.width * IN.height * 4);
  for (let y = 0; y < IN.height; y++)
    for (let x = 0; x < IN.width; x++) data[(y * IN.width + x) * 4] = 10 * x;
  return { width: IN.width, height: IN.height, data, colorSpace: 'srgb' } as ImageData;
}

describe('createTfliteSegmenter', () => {
  it('gives the person channel of each run, at the output size', () => {
    const segmenter = createTfliteSegmenter(fakeModule(), new Uint8Array(8), 'model.tflite');
    const mask = segmenter.segment(picture(), 0);
    expect([mask.width, mask.height]).toEqual([OUT.width, OUT.height]);
    expect(Array.from(mask.data)).toEqual([0, 1, 2, 3, 4, 5].map((i) => Math.fround(1 + i / 100)));
    expect(segmenter.inferenceMs).toBeGreaterThanOrEqual(0);
  });

  it('reads the last channel of a many-channel output', () => {
    const segmenter = createTfliteSegmenter(fakeModule(2), new Uint8Array(8), 'model.tflite');
    const mask = segmenter.segment(picture(), 0);
    // Channel 1 of pixel i is output float 2i + 1.
    expect(Array.from(mask.data)).toEqual([0, 1, 2, 3, 4, 5].map((i) => Math.fround(1 + (2 * i + 1) / 100)));
  });

  it('keeps one output buffer per pass: the next call of the same pass overwrites it, the other pass does not', () => {
    const segmenter = createTfliteSegmenter(fakeModule(), new Uint8Array(8), 'model.tflite');
    const plain = segmenter.segment(picture(), 0);
    const plainFirst = Array.from(plain.data);
    const mirrored = segmenter.segmentMirrored!(picture(), 0);
    // Run 2 on the mirrored picture: its first pixel is the row's last (red 30 / 255).
    expect(mirrored.data[0]).toBe(Math.fround(2 + Math.fround(30 / 255)));
    expect(mirrored.data).not.toBe(plain.data);
    // The mirrored pass left the plain pass's output as it was.
    expect(Array.from(plain.data)).toEqual(plainFirst);
    const again = segmenter.segment(picture(), 0);
    expect(again.data).toBe(plain.data);
    expect(again.data[0]).toBe(Math.fround(3));
    expect(segmenter.segmentMirrored!(picture(), 0).data).toBe(mirrored.data);
  });

  it('writes the same input tensor with the wasm tensor kernel as with the JS', () => {
    const tensorOf = (module: TfliteModule) =>
      Array.from(module.HEAPF32.subarray(64, 64 + IN.width * IN.height * 3));
    const js = fakeModule();
    const wasm = fakeModule();
    const a = createTfliteSegmenter(js, new Uint8Array(8), 'model.tflite');
    const b = createTfliteSegmenter(wasm, new Uint8Array(8), 'model.tflite', createTensorKernel()!);
    a.segmentMirrored!(picture(), 0);
    b.segmentMirrored!(picture(), 0);
    expect(tensorOf(wasm)).toEqual(tensorOf(js));
    // The mirrored tensor starts with the row's last pixel (red 30 / 255).
    expect(tensorOf(wasm)[0]).toBe(Math.fround(30 / 255));
  });

  it('refuses a picture of the wrong size, and any call once closed', () => {
    const segmenter = createTfliteSegmenter(fakeModule(), new Uint8Array(8), 'model.tflite');
    const wrong = { ...picture(), width: 5 } as ImageData;
    expect(() => segmenter.segment(wrong, 0)).toThrow(/model input must be 4x2/);
    segmenter.close();
    expect(() => segmenter.segment(picture(), 0)).toThrow(/closed/);
  });
});

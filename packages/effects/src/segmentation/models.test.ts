import { describe, expect, it } from 'vitest';
import { MODELS, SQUARE_PASS_MAX_ASPECT, secondPassFor } from './models.js';

describe('secondPassFor', () => {
  const can = { squareSupported: true };
  it('gives upright and square frames the square model', () => {
    expect(secondPassFor({ width: 600, height: 800 }, can)).toBe('square');
    expect(secondPassFor({ width: 480, height: 640 }, can)).toBe('square');
    expect(secondPassFor({ width: 720, height: 1280 }, can)).toBe('square');
    expect(secondPassFor({ width: 512, height: 512 }, can)).toBe('square');
  });
  it('keeps the mirrored pass for wide frames, 4:3 included', () => {
    expect(secondPassFor({ width: 1280, height: 720 }, can)).toBe('mirror');
    expect(secondPassFor({ width: 854, height: 480 }, can)).toBe('mirror');
    expect(secondPassFor({ width: 640, height: 480 }, can)).toBe('mirror');
  });
  it('switches at the threshold aspect', () => {
    expect(secondPassFor({ width: SQUARE_PASS_MAX_ASPECT * 100 - 1, height: 100 }, can)).toBe('square');
    expect(secondPassFor({ width: SQUARE_PASS_MAX_ASPECT * 100, height: 100 }, can)).toBe('mirror');
  });
  it('keeps the mirrored pass where the runtime cannot run the square model, or for an empty frame', () => {
    expect(secondPassFor({ width: 600, height: 800 }, { squareSupported: false })).toBe('mirror');
    expect(secondPassFor({ width: 0, height: 0 }, can)).toBe('mirror');
  });
  it('describes each model by its file and input size', () => {
    expect(MODELS.landscape.input).toEqual({ width: 256, height: 144 });
    expect(MODELS.square.input).toEqual({ width: 256, height: 256 });
    expect(MODELS.square.file).toBe('selfie_segmentation.tflite');
  });
});

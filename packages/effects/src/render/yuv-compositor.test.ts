import { beforeAll, describe, expect, it } from 'vitest';
import { QUALITY_LEVELS } from '../mask/budget.js';
import { createI420 } from '../mask/yuv.js';
import { MODEL_INPUT } from './compositor.js';
import { installNodeVideoFrame, NodeVideoFrame } from './node-video-frame.js';
import { createYuvCompositor } from './yuv-compositor.js';

beforeAll(installNodeVideoFrame);

const W = 64;
const H = 36;

/** A camera frame: luma a horizontal ramp plus `shift`, chroma flat. */
function cameraFrame(shift: number): VideoFrame {
  const p = createI420(W, H);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) p.y[y * W + x] = 16 + ((x * 3 + shift) % 200);
  p.u.fill(100);
  p.v.fill(150);
  return new NodeVideoFrame(p.data, { codedWidth: W, codedHeight: H }) as unknown as VideoFrame;
}

const person = new Float32Array(MODEL_INPUT.width * MODEL_INPUT.height).fill(1);
const level0 = QUALITY_LEVELS[0]!;

function frameBytes(frame: VideoFrame): Uint8Array {
  return (frame as unknown as NodeVideoFrame).data;
}

describe('YUV compositor', () => {
  it('gives each output frame its own bytes: a later composite never changes an earlier frame', () => {
    const c = createYuvCompositor(new OffscreenCanvas(1, 1));
    c.prepare(cameraFrame(0));
    c.modelInput();
    c.setMask(person, MODEL_INPUT.width, MODEL_INPUT.height);
    c.refine(level0);
    c.composite({ kind: 'blur', strength: 0.6 }, level0);
    const first = c.outputFrame(0);
    const kept = frameBytes(first).slice();
    c.prepare(cameraFrame(50));
    c.refine(level0);
    c.composite({ kind: 'blur', strength: 0.6 }, level0);
    const second = c.outputFrame(1);
    expect(frameBytes(first)).toEqual(kept);
    expect(frameBytes(second)).not.toEqual(kept);
    // All person: the output is the camera's picture.
    expect(Array.from(frameBytes(second).subarray(0, W))).toEqual(
      Array.from({ length: W }, (_, x) => 16 + ((x * 3 + 50) % 200)),
    );
  });

  it('reuses the last mask on a frame that does not run the model, with no model input made for it', () => {
    const c = createYuvCompositor(new OffscreenCanvas(1, 1));
    c.prepare(cameraFrame(0));
    expect(() => c.refine(level0)).toThrow(/before any mask/);
    const input = c.modelInput();
    expect(input.width).toBe(MODEL_INPUT.width);
    c.setMask(new Float32Array(person.length), MODEL_INPUT.width, MODEL_INPUT.height);
    c.refine(level0);
    // Next frame, no model: refine and composite still work from the mask of the frame before.
    c.prepare(cameraFrame(7));
    c.refine(level0);
    c.composite({ kind: 'remove', color: [0, 1, 0] }, level0);
    const out = frameBytes(c.outputFrame(0));
    // All background (mask 0): every luma sample is the green's.
    expect(new Set(out.subarray(0, W * H)).size).toBe(1);
  });

  it('draws the privacy frame until a mask has been refined, never the camera', () => {
    const c = createYuvCompositor(new OffscreenCanvas(1, 1));
    const frame = cameraFrame(0);
    c.prepare(frame);
    c.composite({ kind: 'blur', strength: 0.6 }, level0);
    const out = frameBytes(c.outputFrame(0));
    expect(out.subarray(0, W * H)).not.toEqual(frameBytes(frame).subarray(0, W * H));
  });
});

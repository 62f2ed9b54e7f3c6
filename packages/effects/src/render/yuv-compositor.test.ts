import { beforeAll, describe, expect, it, vi } from 'vitest';
import { hasWasmSimd } from '../features.js';
import { QUALITY_LEVELS } from '../mask/budget.js';
import { WasmKernels } from '../mask/wasm/wasm-kernels.js';
import { BT709, createI420, downsampleI420, downsamplePacked, packedYuvToRgba } from '../mask/yuv.js';
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

  it("makes the model's input from the refinement's guide when that is at least the model's size", () => {
    // 640x360, a textured picture: the working size at refineScale 1 is 384x216, at 0.5 it is 192x108.
    const big = createI420(640, 360);
    for (let i = 0; i < big.y.length; i++) big.y[i] = 16 + ((i * 7 + (i >> 9) * 13) % 220);
    for (let i = 0; i < big.u.length; i++) {
      big.u[i] = 60 + ((i * 5) % 130);
      big.v[i] = 200 - ((i * 3) % 120);
    }
    const frame = () =>
      new NodeVideoFrame(big.data, { codedWidth: 640, codedHeight: 360 }) as unknown as VideoFrame;
    const { width: mw, height: mh } = MODEL_INPUT;
    const fromPicture = packedYuvToRgba(downsampleI420(big, mw, mh), BT709);
    const guide = downsampleI420(big, 384, 216);
    const fromGuide = packedYuvToRgba(downsamplePacked(guide, 384, 216, mw, mh), BT709);
    /** Samples where two inputs differ (toEqual on 147 KB arrays is slow). */
    const differ = (a: Uint8ClampedArray, b: Uint8ClampedArray) => {
      let n = 0;
      for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
      return a.length === b.length ? n : -1;
    };
    // The two differ (else this test could not tell them apart).
    expect(differ(fromGuide, fromPicture)).toBeGreaterThan(1000);
    const c = createYuvCompositor(new OffscreenCanvas(1, 1));
    c.prepare(frame());
    expect(differ(c.modelInput(undefined, 1).data, fromGuide)).toBe(0);
    // The refinement then uses the same guide: refine and composite run on it.
    c.setMask(person, mw, mh);
    c.refine(level0);
    c.composite({ kind: 'blur', strength: 0.6 }, level0);
    // A working size below the model's (refineScale 0.5), or none given: a pass over the full picture.
    c.prepare(frame());
    expect(differ(c.modelInput(undefined, 0.5).data, fromPicture)).toBe(0);
    c.prepare(frame());
    expect(differ(c.modelInput().data, fromPicture)).toBe(0);
  });

  it('draws the privacy frame until a mask has been refined, never the camera', () => {
    const c = createYuvCompositor(new OffscreenCanvas(1, 1));
    const frame = cameraFrame(0);
    c.prepare(frame);
    c.composite({ kind: 'blur', strength: 0.6 }, level0);
    const out = frameBytes(c.outputFrame(0));
    expect(out.subarray(0, W * H)).not.toEqual(frameBytes(frame).subarray(0, W * H));
  });

  it.skipIf(!hasWasmSimd())(
    'runs the wasm SIMD kernels where it can and gives the same frames as the JS kernels (blur, remove, privacy, shrunk)',
    () => {
      // 641x357: odd sides; a textured picture and a mask with a person, so the composite copies, blends and
      // shows the background.
      const level1 = QUALITY_LEVELS[1]!;
      const w = 641;
      const h = 357;
      const frames = [0, 1, 2].map((t) => {
        const p = createI420(w, h);
        for (let i = 0; i < p.y.length; i++) p.y[i] = 16 + ((i * 7 + t * 11 + (i >> 8) * 5) % 220);
        for (let i = 0; i < p.u.length; i++) {
          p.u[i] = 60 + ((i * 5 + t) % 130);
          p.v[i] = 200 - ((i * 3) % 120);
        }
        return p;
      });
      const { width: mw, height: mh } = MODEL_INPUT;
      const mask = new Float32Array(mw * mh);
      for (let y = 0; y < mh; y++)
        for (let x = 0; x < mw; x++) mask[y * mw + x] = Math.hypot(x - mw / 2, y - mh) < mh * 0.7 ? 1 : 0;
      const run = (kernels: 'auto' | 'js') => {
        const c = createYuvCompositor(new OffscreenCanvas(1, 1), { kernels });
        const outs: Uint8Array[] = [];
        const frame = (i: number) =>
          new NodeVideoFrame(frames[i]!.data, { codedWidth: w, codedHeight: h }) as unknown as VideoFrame;
        // The privacy frame (no mask yet), then blurred frames at full and at a shrunk picture scale.
        c.prepare(frame(0));
        c.composite({ kind: 'blur', strength: 0.6 }, level1);
        outs.push(frameBytes(c.outputFrame(0)).slice());
        for (const [i, scale] of [
          [0, 1],
          [1, 1],
          [2, 0.5],
          [1, 1],
        ] as const) {
          c.prepare(frame(i), scale);
          c.modelInput(undefined, level1.refineScale);
          c.setMask(mask, mw, mh);
          c.refine(level1);
          c.composite({ kind: 'blur', strength: 0.6 }, level1);
          outs.push(frameBytes(c.outputFrame(i)).slice());
          // The colour background over the same mask (the picture's needs a canvas: browser tests).
          c.composite({ kind: 'remove', color: [0.1, 0.7, 0.35] }, level1);
          outs.push(frameBytes(c.outputFrame(i)).slice());
        }
        return { kernels: c.kernels, outs };
      };
      const wasm = run('auto');
      const js = run('js');
      expect(wasm.kernels).toBe('wasm-simd');
      expect(js.kernels).toBe('js');
      expect(wasm.outs.length).toBe(9);
      // Counted here: toEqual on 340 kB arrays takes seconds.
      const differing = (a: Uint8Array, b: Uint8Array) => {
        let n = Math.abs(a.length - b.length);
        for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) n++;
        return n;
      };
      for (let i = 0; i < wasm.outs.length; i++)
        expect(differing(wasm.outs[i]!, js.outs[i]!), `frame ${i}`).toBe(0);
      // Not a vacuous comparison: the frames differ from the camera and from each other.
      expect(differing(wasm.outs[1]!, frames[0]!.data)).toBeGreaterThan(1000);
      expect(differing(wasm.outs[1]!, wasm.outs[3]!)).toBeGreaterThan(1000);
      expect(differing(wasm.outs[2]!, frames[0]!.data)).toBeGreaterThan(1000);
      expect(differing(wasm.outs[2]!, wasm.outs[1]!)).toBeGreaterThan(1000);
    },
  );

  it.skipIf(!hasWasmSimd())(
    "halves Firefox's RGBX frames at the half-size level in the kernel, with the JS kernels' frames",
    () => {
      const { width: mw, height: mh } = MODEL_INPUT;
      const mask = new Float32Array(mw * mh);
      for (let y = 0; y < mh; y++)
        for (let x = 0; x < mw; x++) mask[y * mw + x] = Math.hypot(x - mw / 2, y - mh) < mh * 0.7 ? 1 : 0;
      // 128x72 halves exactly (to 64x36, the kernel's case); 132x74 shrinks to 66x38 (the JS's box average).
      const sizes: [number, number, 'RGBX' | 'BGRX'][] = [
        [128, 72, 'RGBX'],
        [132, 74, 'BGRX'],
      ];
      const run = (kernels: 'auto' | 'js') => {
        const c = createYuvCompositor(new OffscreenCanvas(1, 1), { kernels });
        const outs: Uint8Array[] = [];
        for (const [w, h, format] of sizes) {
          const rgb = new Uint8Array(w * h * 4);
          for (let i = 0; i < rgb.length; i++) rgb[i] = (i * 7 + (i >> 7) * 13 + (i % 5) * 29) & 255;
          c.prepare(
            new NodeVideoFrame(rgb, { codedWidth: w, codedHeight: h, format }) as unknown as VideoFrame,
            0.5,
          );
          c.modelInput(undefined, level0.refineScale);
          c.setMask(mask, mw, mh);
          c.refine(level0);
          c.composite({ kind: 'blur', strength: 0.6 }, level0);
          outs.push(frameBytes(c.outputFrame(0)).slice());
        }
        return outs;
      };
      const shrink = vi.spyOn(WasmKernels.prototype, 'shrinkI420');
      try {
        const wasm = run('auto');
        // The kernel took the exact half and declined the other.
        expect(shrink.mock.results.map((r) => r.value)).toEqual([true, false]);
        const js = run('js');
        expect(wasm.map((o) => o.length)).toEqual([64 * 36 * 1.5, 66 * 38 * 1.5]);
        for (let i = 0; i < wasm.length; i++)
          expect(
            wasm[i]!.every((b, j) => b === js[i]![j]),
            `frame ${i}`,
          ).toBe(true);
      } finally {
        shrink.mockRestore();
      }
    },
  );
});

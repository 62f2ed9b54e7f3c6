import { describe, expect, it } from 'vitest';
import { FakeCompositor, fakeSegmenter } from '../../test/engine-fakes.js';
import type { EffectError } from '../errors.js';
import type { FrameSource } from '../render/source-stage.js';
import type { SegmentationModel } from '../segmentation/models.js';
import type { Segmenter } from '../segmentation/segmenter.js';
import type { RuntimeCache } from '../segmentation/tflite-runtime.js';
import { Engine } from './engine.js';
import type { EngineDeps, EngineOptions } from './engine-deps.js';

// The second model pass by frame shape (segmentation/models.ts), with fake back end and models.

const OPTIONS: EngineOptions = { assetBase: '/a/', delegate: 'CPU', adaptive: false, renderer: 'canvas2d' };
const WIDE = { width: 1280, height: 720 } as FrameSource;
const UPRIGHT = { width: 480, height: 640 } as FrameSource;
const CACHE: RuntimeCache = { build: 'simd', module: {} as WebAssembly.Module, model: new Uint8Array(8) };

function setup(options: { runtime?: RuntimeCache | undefined; squareFails?: boolean } = {}) {
  const compositor = new FakeCompositor();
  const landscape = fakeSegmenter(undefined, { width: 256, height: 144 }, 0.2);
  const square = fakeSegmenter(undefined, { width: 256, height: 256 }, 0.8);
  const loads: { model: SegmentationModel; runtime: RuntimeCache }[] = [];
  let finish: () => void = () => {};
  const errors: EffectError[] = [];
  const deps: EngineDeps = {
    createCompositor: () => compositor,
    createFrameScaler: () => ({ scale: (frame) => frame, dispose: () => {} }),
    chooseCompositor: () => ({ compositor, renderer: 'canvas2d', measuredMs: {} }),
    loadSegmenter: async () => ({
      segmenter: landscape,
      delegate: 'CPU',
      measuredMs: {},
      ...(options.runtime ? { cache: options.runtime } : {}),
    }),
    glRenderer: () => null,
    loadModel: (_o, model, runtime) => {
      loads.push({ model, runtime });
      return new Promise<Segmenter>((resolve, reject) => {
        finish = () => (options.squareFails ? reject(new Error('404')) : resolve(square));
      });
    },
  };
  const engine = new Engine(
    OPTIONS,
    { progress: () => undefined, ready: () => undefined, error: (e) => errors.push(e) },
    deps,
  );
  engine.setMode({ kind: 'blur', strength: 0.5 });
  /** Lets the pending model load settle. */
  const settle = async () => {
    finish();
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  return { engine, compositor, landscape, square, loads, settle, errors };
}

describe('Engine: the second model pass follows the frame shape', () => {
  it('a wide camera never loads the square model: the mirrored landscape pass', async () => {
    const { engine, compositor, landscape, loads } = setup({ runtime: CACHE });
    await engine.start();
    for (let i = 0; i < 3; i++) engine.process(WIDE, i * 33);
    expect(loads).toHaveLength(0);
    expect(landscape.calls()).toBe(6); // the picture and its mirror, every frame
    expect(compositor.maskSizes).toEqual(['256x144', '256x144', '256x144']);
    expect(engine.stats('page').secondPass).toBe('mirror');
  });

  it('an upright frame loads the square model once (mirrored pass meanwhile), then blends it in', async () => {
    const { engine, compositor, landscape, square, loads, settle } = setup({ runtime: CACHE });
    await engine.start();
    engine.process(UPRIGHT, 0);
    engine.process(UPRIGHT, 33);
    expect(loads.map((l) => l.model.name)).toEqual(['square']);
    expect(loads[0]!.runtime).toBe(CACHE); // a new instance of the compiled runtime, not a second download
    expect(engine.stats('page').secondPass).toBe('mirror');
    expect(compositor.composites()).toEqual(['blur', 'blur']); // effected frames while it loads, no privacy
    await settle();
    const before = landscape.calls();
    engine.process(UPRIGHT, 66);
    expect(landscape.calls() - before).toBe(1);
    expect(square.calls()).toBe(1);
    expect(compositor.inputs.slice(-2)).toEqual(['256x144', '256x256']);
    expect(compositor.maskSizes.at(-1)).toBe('256x256');
    // Half of each model's answer (0.2 and 0.8).
    expect(compositor.masks.at(-1)![1000]).toBeCloseTo(0.5, 6);
    expect(engine.stats('page').secondPass).toBe('square');
    expect(loads).toHaveLength(1);
  });

  it('switches back and forth when the camera turns, without loading again', async () => {
    const { engine, compositor, square, loads, settle } = setup({ runtime: CACHE });
    await engine.start();
    engine.process(UPRIGHT, 0);
    await settle();
    engine.process(UPRIGHT, 33);
    engine.process(WIDE, 66);
    expect(engine.stats('page').secondPass).toBe('mirror');
    expect(compositor.maskSizes.at(-1)).toBe('256x144');
    engine.process(UPRIGHT, 99);
    expect(engine.stats('page').secondPass).toBe('square');
    expect(square.calls()).toBe(2);
    expect(loads).toHaveLength(1);
    engine.dispose();
    expect(square.closed).toBe(true);
  });

  it('a square model that fails to load leaves the mirrored pass, no error and no privacy frame', async () => {
    const { engine, compositor, loads, settle, errors } = setup({ runtime: CACHE, squareFails: true });
    await engine.start();
    engine.process(UPRIGHT, 0);
    await settle();
    engine.process(UPRIGHT, 33);
    engine.process(UPRIGHT, 66);
    expect(loads).toHaveLength(1);
    expect(engine.state).toBe('ready');
    expect(errors).toHaveLength(0);
    expect(engine.stats('page').secondPass).toBe('mirror');
    expect(compositor.composites()).toEqual(['blur', 'blur', 'blur']);
  });

  it('without a compiled TFLite runtime (MediaPipe Tasks) upright frames keep the mirrored pass', async () => {
    const { engine, loads } = setup({ runtime: undefined });
    await engine.start();
    engine.process(UPRIGHT, 0);
    expect(loads).toHaveLength(0);
    expect(engine.stats('page').secondPass).toBe('mirror');
  });

  it('the mask processor waits for the model an upright frame wants', async () => {
    const { engine, loads, settle } = setup({ runtime: CACHE });
    await engine.start();
    let waited = false;
    const waiting = engine.modelFor({ width: 600, height: 800 }).then(() => {
      waited = true;
    });
    await Promise.resolve();
    expect(loads).toHaveLength(1);
    expect(waited).toBe(false);
    await settle();
    await waiting;
    engine.processForMask(UPRIGHT, 0);
    expect(engine.stats('page').secondPass).toBe('square');
  });
});

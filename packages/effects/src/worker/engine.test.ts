import { describe, expect, it, vi } from 'vitest';
import { FakeCompositor, fakeSegmenter } from '../../test/engine-fakes.js';
import { EffectError } from '../errors.js';
import type { FrameSource } from '../render/source-stage.js';
import type { Segmenter } from '../segmentation/segmenter.js';
import type { StartupReport } from '../startup/timeline.js';
import { Engine } from './engine.js';
import type { EngineDeps, EngineOptions } from './engine-deps.js';
import { START_FRAMES, START_QUALITY } from './engine-startup.js';

const OPTIONS: EngineOptions = { assetBase: '/a/', delegate: 'CPU', adaptive: false, renderer: 'canvas2d' };
const FRAME = {} as FrameSource;

function setup(
  load: EngineDeps['loadSegmenter'],
  options: EngineOptions = OPTIONS,
  glRenderer: string | null = null,
  glRendererKnown?: boolean,
  /** `failOn`: a back end createCompositor cannot make; `synthetic`: give the warm-up a blank frame. */
  more: { failOn?: string; synthetic?: boolean } = {},
) {
  const compositor = new FakeCompositor();
  const events = {
    errors: [] as EffectError[],
    ready: 0,
    trials: 0,
    webglTrials: 0,
    startups: [] as StartupReport[],
    rendererReads: 0,
    /** The back ends createCompositor was asked for, in order. */
    made: [] as string[],
    blankFrames: 0,
    blankFramesClosed: 0,
  };
  const deps: EngineDeps = {
    createCompositor: (renderer) => {
      events.made.push(renderer);
      if (renderer === more.failOn) throw new Error(`no ${renderer} here`);
      return compositor;
    },
    createFrameScaler: () => ({ scale: (frame) => frame, dispose: () => {} }),
    chooseCompositor: (o) => {
      events.trials++;
      if (o?.webgl2 !== false) events.webglTrials++;
      return { compositor, renderer: 'canvas2d', measuredMs: {} };
    },
    loadSegmenter: load,
    glRenderer: () => {
      events.rendererReads++;
      return glRenderer;
    },
    ...(glRendererKnown !== undefined && { glRendererKnown: () => glRendererKnown }),
    ...(more.synthetic && {
      syntheticFrame: () => {
        events.blankFrames++;
        return { close: () => events.blankFramesClosed++ } as unknown as FrameSource & { close(): void };
      },
    }),
  };
  const engine = new Engine(
    options,
    {
      progress: () => undefined,
      ready: () => events.ready++,
      error: (e) => events.errors.push(e),
      startup: (r) => events.startups.push(r),
    },
    deps,
  );
  return { engine, compositor, events };
}

describe('Engine start-up decisions and timeline (fakes)', () => {
  const load = async () => ({ segmenter: fakeSegmenter(), delegate: 'CPU' as const, measuredMs: {} });
  const auto: EngineOptions = { ...OPTIONS, renderer: 'auto', delegate: 'auto', createdAt: 0 };

  it("waits for the page's runtime and loads with it (where the page got it stays in the options); the page's null loads alone", async () => {
    const seen: EngineOptions[] = [];
    const recording: EngineDeps['loadSegmenter'] = async (options) => {
      seen.push(options);
      return load();
    };
    const cache = { build: 'simd' as const, module: {} as WebAssembly.Module, model: new Uint8Array(8) };
    let give: (runtime: { cache: typeof cache; wasm: 'http-cache'; model: 'network' } | null) => void =
      () => {};
    const given = setup(recording, auto);
    const started = given.engine.start(new Promise((resolve) => (give = resolve)));
    await Promise.resolve();
    // Nothing is loaded before the page's runtime arrives (no second fetch of the same files).
    expect(seen).toHaveLength(0);
    give({ cache, wasm: 'http-cache', model: 'network' });
    await started;
    expect(seen[0]?.runtimeCache).toBe(cache);
    expect(seen[0]?.runtimeSources).toEqual({ wasm: 'http-cache', model: 'network' });
    expect(given.engine.state).toBe('ready');

    const alone = setup(recording, auto);
    await alone.engine.start(Promise.resolve(null));
    expect(seen[1]?.runtimeCache).toBeUndefined();
    expect(alone.engine.state).toBe('ready');
  });

  it('times the back ends only with a hardware GL, and nothing with a cached choice', async () => {
    const gpu = setup(load, auto, 'Mesa Intel(R) UHD Graphics 620');
    await gpu.engine.start();
    expect(gpu.events.webglTrials).toBe(1);
    expect(gpu.events.startups.at(-1)?.decisions).toBe('measured');

    const swiftshader = setup(load, auto, 'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)))');
    await swiftshader.engine.start();
    expect(swiftshader.events.trials).toBe(0); // a CPU back end, no trial (Node has no VideoFrame: Canvas2D)
    expect(swiftshader.events.webglTrials).toBe(0);
    expect(swiftshader.events.startups.at(-1)?.decisions).toBe('software-gl');

    const cached = setup(load, { ...auto, cachedRenderer: 'canvas2d' }, 'Mesa Intel(R) UHD Graphics 620');
    await cached.engine.start();
    expect(cached.events.trials).toBe(0);
    expect(cached.events.startups.at(-1)?.decisions).toBe('cache');
  });

  it('makes only the back end it plans: no throwaway Canvas2D one first, unless it measures', async () => {
    const swiftshader = 'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)))';
    // As in a browser worker: with VideoFrame, software GL plans the YUV back end.
    vi.stubGlobal('VideoFrame', class {});
    try {
      const software = setup(load, auto, swiftshader);
      expect(software.events.made).toEqual(['yuv']);
      await software.engine.start();
      expect(software.events.made).toEqual(['yuv']);
      expect(software.events.startups.at(-1)?.decisions).toBe('software-gl');

      const cached = setup(load, { ...auto, cachedRenderer: 'webgl2' }, swiftshader);
      await cached.engine.start();
      expect(cached.events.made).toEqual(['webgl2']);

      // Measured: Canvas2D draws the privacy frames until the trial's choice replaces it.
      const gpu = setup(load, auto, 'Mesa Intel(R) UHD Graphics 620');
      expect(gpu.events.made).toEqual(['canvas2d']);
      await gpu.engine.start();
      expect(gpu.events.webglTrials).toBe(1);

      // A planned back end that cannot be made: privacy frames from Canvas2D, and the start fails saying why.
      const broken = setup(load, auto, swiftshader, undefined, { failOn: 'yuv' });
      expect(broken.events.made).toEqual(['yuv', 'canvas2d']);
      broken.engine.setMode({ kind: 'blur', strength: 0.5 });
      await broken.engine.start();
      expect(broken.engine.state).toBe('failed');
      expect(broken.events.errors[0]?.cause).toEqual(new Error('no yuv here'));
      broken.engine.process(FRAME, 0);
      expect(broken.compositor.composites()).toEqual(['privacy']);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('warms its code on a blank frame when the model is ready before any frame, and only then', async () => {
    const preloaded = setup(load, auto, 'llvmpipe', undefined, { synthetic: true });
    preloaded.engine.setMode({ kind: 'blur', strength: 0.5 });
    await preloaded.engine.start();
    // Refinement and compositing once on the blank frame, its picture forgotten; the frame is closed.
    expect(preloaded.compositor.log).toEqual(['prepare', 'setMask', 'refine', 'composite:blur']);
    expect(preloaded.events).toMatchObject({ blankFrames: 1, blankFramesClosed: 1 });
    expect(preloaded.events.startups.at(-1)?.detailMs.warmUp).toBeGreaterThanOrEqual(0);
    // The first real frame is the first effected frame, with the model run on it.
    preloaded.engine.process(FRAME, 0);
    expect(preloaded.compositor.composites()).toEqual(['blur', 'blur']);
    const first = preloaded.events.startups.filter((r) => r.at.firstFrame !== undefined);
    expect(first).toHaveLength(1);

    // None: nothing to warm.
    const none = setup(load, auto, 'llvmpipe', undefined, { synthetic: true });
    await none.engine.start();
    expect(none.events.blankFrames).toBe(0);

    // Frames came while the model loaded: they warmed the code already.
    let finish: (v: Awaited<ReturnType<typeof load>>) => void = () => {};
    const slow = setup(() => new Promise((resolve) => (finish = resolve)), auto, 'llvmpipe', undefined, {
      synthetic: true,
    });
    slow.engine.setMode({ kind: 'blur', strength: 0.5 });
    const started = slow.engine.start();
    slow.engine.process(FRAME, 0);
    slow.engine.process(FRAME, 33);
    finish(await load());
    await started;
    expect(slow.events.blankFrames).toBe(0);
  });

  it("reads the GL renderer at the start as a step of its own, unless a spare worker's probe read it first", async () => {
    const swiftshader = 'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)))';
    const cold = setup(load, auto, swiftshader, false);
    await cold.engine.start();
    expect(cold.events.startups.at(-1)?.detailMs.readRenderer).toBeGreaterThanOrEqual(0);
    expect(cold.events.startups.at(-1)?.glRenderer).toBe(swiftshader);

    const probed = setup(load, auto, swiftshader, true);
    await probed.engine.start();
    const report = probed.events.startups.at(-1);
    expect(report?.detailMs.readRenderer).toBeUndefined();
    // The value still comes from glRenderer() (kept by the realm), and decides as before.
    expect(report?.glRenderer).toBe(swiftshader);
    expect(report?.decisions).toBe('software-gl');

    const cached = setup(load, { ...auto, cachedRenderer: 'canvas2d' }, swiftshader, false);
    await cached.engine.start();
    expect(cached.events.rendererReads).toBe(0);
    expect(cached.events.startups.at(-1)?.detailMs.readRenderer).toBeUndefined();
  });

  it('marks the first effected frame once, not a privacy frame or a none frame', async () => {
    const { engine, events } = setup(load, auto, 'llvmpipe');
    engine.setMode({ kind: 'none' });
    await engine.start();
    engine.process(FRAME, 0);
    expect(events.startups.at(-1)?.at.firstFrame).toBeUndefined();
    engine.setMode({ kind: 'blur', strength: 0.5 });
    engine.process(FRAME, 33);
    engine.process(FRAME, 66);
    const withFirst = events.startups.filter((r) => r.at.firstFrame !== undefined);
    expect(withFirst).toHaveLength(1);
    expect(withFirst[0]!.totalMs).toBeGreaterThanOrEqual(0);
    expect(Object.keys(withFirst[0]!.at)).toEqual(
      expect.arrayContaining(['created', 'workerStarted', 'calibrated', 'firstFrame']),
    );
  });
});

describe('Engine start frames and resume (fakes)', () => {
  const load = async () => ({ segmenter: fakeSegmenter(), delegate: 'CPU' as const, measuredMs: {} });

  it("a start's first effected frames run the model once and refine cheaply, kept from the budget; then full quality", async () => {
    const seg = fakeSegmenter();
    const { engine } = setup(async () => ({ segmenter: seg, delegate: 'CPU', measuredMs: {} }), {
      ...OPTIONS,
      adaptive: true,
    });
    engine.setMode({ kind: 'blur', strength: 0.5 });
    await engine.start();
    const perFrame: number[] = [];
    for (let i = 0; i <= START_FRAMES; i++) {
      const before = seg.calls();
      engine.process(FRAME, i * 33);
      engine.frameDelivered(0);
      perFrame.push(seg.calls() - before);
    }
    expect(START_QUALITY.mirrorAverage).toBe(false);
    expect(START_QUALITY.refineScale).toBeLessThan(1);
    // START_FRAMES frames with one model pass, then the full quality's picture and its mirror.
    expect(perFrame).toEqual([...Array(START_FRAMES).fill(1), 2]);
  });

  it('a resumed effect reports its own short timeline at its first effected frame; the start keeps its own', async () => {
    const { engine, events } = setup(load, { ...OPTIONS, createdAt: 0 });
    engine.setMode({ kind: 'blur', strength: 0.5 });
    await engine.start();
    engine.process(FRAME, 0);
    const starts = events.startups.length;
    engine.setMode({ kind: 'none' });
    engine.process(FRAME, 33);
    engine.resumeRequested(1234);
    engine.setMode({ kind: 'blur', strength: 0.5 });
    engine.process(FRAME, 66);
    engine.process(FRAME, 100);
    const resumes = events.startups.slice(starts);
    expect(resumes).toHaveLength(1);
    expect(resumes[0]!.kind).toBe('resume');
    expect(resumes[0]!.at.created).toBe(1234);
    expect(Object.keys(resumes[0]!.at).sort()).toEqual(['created', 'firstFrame']);
    expect(events.startups.slice(0, starts).every((r) => r.kind === 'start')).toBe(true);
  });
});

describe('Engine privacy logic (fake segmenter and back end)', () => {
  it('draws privacy frames before the model is ready, the camera only in mode none', async () => {
    let release: () => void = () => undefined;
    const seg = fakeSegmenter();
    const { engine, compositor } = setup(
      () =>
        new Promise(
          (resolve) => (release = () => resolve({ segmenter: seg, delegate: 'CPU', measuredMs: {} })),
        ),
    );
    const started = engine.start();
    // What each frame leaves with: the last thing composited for it.
    const out: string[] = [];
    const frame = (t: number) => {
      engine.process(FRAME, t);
      out.push(compositor.composites().at(-1)!);
    };
    engine.setMode({ kind: 'blur', strength: 0.5 });
    frame(0);
    engine.setMode({ kind: 'none' });
    frame(33);
    engine.setMode({ kind: 'remove', color: [0, 1, 0] });
    frame(66);
    release();
    await started;
    frame(100);
    expect(out).toEqual(['privacy', 'none', 'privacy', 'remove']);
    // While the model loads, the effect's own drawing runs once per frame to warm it, always drawn over by
    // the privacy frame (at most WARM_UP_FRAMES times, never once ready).
    expect(compositor.composites()).toEqual(['blur', 'privacy', 'none', 'remove', 'privacy', 'remove']);
  });

  it('switching from none runs the model on that very frame, before compositing', async () => {
    const seg = fakeSegmenter();
    const { engine, compositor } = setup(async () => ({ segmenter: seg, delegate: 'CPU', measuredMs: {} }));
    await engine.start();
    engine.process(FRAME, 0);
    compositor.log.length = 0;
    engine.setMode({ kind: 'blur', strength: 0.5 });
    engine.process(FRAME, 33);
    expect(compositor.log).toEqual(['prepare', 'setMask', 'refine', 'composite:blur']);
    // Full quality: the picture and its mirror (mask/mirror.ts).
    expect(seg.calls()).toBe(2);
  });

  it('a model that fails to load: error event, privacy frames from then on', async () => {
    const { engine, compositor, events } = setup(async () => {
      throw new EffectError('model_load_failed', 'HTTP 404');
    });
    engine.setMode({ kind: 'blur', strength: 0.5 });
    await engine.start();
    engine.process(FRAME, 0);
    engine.process(FRAME, 33);
    expect(events.errors.map((e) => e.code)).toEqual(['model_load_failed']);
    expect(engine.state).toBe('failed');
    expect(compositor.composites()).toEqual(['privacy', 'privacy']);
  });

  it('a model that throws on a frame: that frame and the next are privacy frames, one error event', async () => {
    const seg = fakeSegmenter(5); // two inferences a frame at full quality: the third frame's first one
    const { engine, compositor, events } = setup(async () => ({
      segmenter: seg,
      delegate: 'CPU',
      measuredMs: {},
    }));
    await engine.start();
    engine.setMode({ kind: 'remove', color: [0, 1, 0] });
    for (let i = 0; i < 5; i++) engine.process(FRAME, i * 33);
    expect(compositor.composites()).toEqual(['remove', 'remove', 'privacy', 'privacy', 'privacy']);
    expect(events.errors.map((e) => e.code)).toEqual(['segmentation_failed']);
    expect(seg.closed).toBe(true);
    // The user can still turn the effect off.
    engine.setMode({ kind: 'none' });
    engine.process(FRAME, 200);
    expect(compositor.composites().at(-1)).toBe('none');
  });

  it('averages the model on the picture and on its mirror; the mask path reports the single pass as raw', async () => {
    // A model that sees only the left half of what it is shown as the person.
    const leftHalf: Segmenter = {
      delegate: 'CPU',
      segment: (image) => ({
        width: image.width,
        height: image.height,
        data: Float32Array.from({ length: image.width * image.height }, (_, i) =>
          i % image.width < image.width / 2 ? 1 : 0,
        ),
      }),
      close: () => undefined,
    };
    const { engine, compositor } = setup(async () => ({
      segmenter: leftHalf,
      delegate: 'CPU',
      measuredMs: {},
    }));
    await engine.start();
    const { raw } = engine.processForMask(FRAME, 0);
    expect(raw.data[0]).toBe(1);
    expect(raw.data[raw.width - 1]).toBe(0);
    // Mirrored back, the second pass says the right half: the average is 0.5 everywhere.
    expect(compositor.masks.at(-1)?.every((v) => v === 0.5)).toBe(true);
  });

  it('a segmenter that mirrors its own input gets the picture itself; its inference ms make the inference stage', async () => {
    const shown: { mirrored: boolean; image: ImageData }[] = [];
    // The model on the picture says the left half; on the mirrored picture, mirrored back, the right half.
    const halves = (image: ImageData, left: boolean) => ({
      width: image.width,
      height: image.height,
      data: Float32Array.from({ length: image.width * image.height }, (_, i) =>
        i % image.width < image.width / 2 === left ? 1 : 0,
      ),
    });
    const mirroring: Segmenter = {
      delegate: 'CPU',
      inferenceMs: 2.5,
      segment: (image) => {
        shown.push({ mirrored: false, image });
        return halves(image, true);
      },
      segmentMirrored: (image) => {
        shown.push({ mirrored: true, image });
        return halves(image, true);
      },
      close: () => undefined,
    };
    const { engine, compositor } = setup(async () => ({
      segmenter: mirroring,
      delegate: 'CPU',
      measuredMs: {},
    }));
    await engine.start();
    const { raw } = engine.processForMask(FRAME, 0);
    // Both passes got the model input itself (no mirrored copy made by the engine).
    expect(shown.map((s) => s.mirrored)).toEqual([false, true]);
    expect(shown[1]!.image).toBe(shown[0]!.image);
    // The raw output is the first pass as the model gave it; the average went elsewhere.
    expect(raw.data[0]).toBe(1);
    expect(raw.data[raw.width - 1]).toBe(0);
    expect(compositor.masks.at(-1)?.every((v) => v === 0.5)).toBe(true);
    // Both inferences of the frame: 2 x 2.5 ms.
    expect(engine.stats('page').msPerStage.inference).toBe(5);
  });

  it('owns replacement images: closes the old one on change and on dispose', async () => {
    const seg = fakeSegmenter();
    const { engine, compositor } = setup(async () => ({ segmenter: seg, delegate: 'CPU', measuredMs: {} }));
    const a = { close: vi.fn(), width: 1, height: 1 } as unknown as ImageBitmap;
    const b = { close: vi.fn(), width: 1, height: 1 } as unknown as ImageBitmap;
    engine.setMode({ kind: 'replace', image: a });
    expect(compositor.background).toBe(a);
    engine.setMode({ kind: 'replace', image: b });
    expect(a.close).toHaveBeenCalledOnce();
    expect(compositor.background).toBe(b);
    await engine.start();
    engine.dispose();
    engine.dispose();
    expect(b.close).toHaveBeenCalledOnce();
    expect(seg.closed).toBe(true);
    expect(compositor.disposed).toBe(true);
    expect(() => engine.process(FRAME, 0)).toThrow(EffectError);
  });

  it('the mask path returns the final alpha and the raw model output', async () => {
    const seg = fakeSegmenter();
    const { engine } = setup(async () => ({ segmenter: seg, delegate: 'CPU', measuredMs: {} }));
    await engine.start();
    const r = engine.processForMask(FRAME, 0);
    expect([r.alpha.width, r.alpha.height, [...r.alpha.data]]).toEqual([2, 1, [0, 255]]);
    expect([r.raw.width, r.raw.height, r.raw.data.length]).toEqual([256, 144, 256 * 144]);
  });
});

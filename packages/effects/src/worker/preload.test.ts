import { describe, expect, it } from 'vitest';
import { fakeSegmenter } from '../../test/engine-fakes.js';
import type { RuntimeCache } from '../segmentation/tflite-runtime.js';
import { epochNow, StartupTimeline } from '../startup/timeline.js';
import type { EngineDeps, EngineOptions, LoadedSegmenter } from './engine-deps.js';
import { preloadFits, startPreload, withPreload } from './preload.js';

const BASE = 'http://x/assets/effects-A/';
const MODEL = `${BASE}selfie_segmentation_landscape.tflite`;
const cache: RuntimeCache = { build: 'simd', module: {} as WebAssembly.Module, model: new Uint8Array(8) };
const request = {
  assetBase: BASE,
  modelUrl: MODEL,
  runtime: { cache, wasm: 'http-cache', model: 'page' },
} as const;
const effect: EngineOptions = { assetBase: BASE, delegate: 'auto', adaptive: true, renderer: 'auto' };

/** A loadSegmenter that records its calls and gives a fresh fake segmenter (or fails when told). */
function loader(fail = false) {
  const calls: EngineOptions[] = [];
  const made: LoadedSegmenter[] = [];
  const load: EngineDeps['loadSegmenter'] = async (options) => {
    calls.push(options);
    if (fail) throw new Error('no model');
    const loaded = { segmenter: fakeSegmenter(), delegate: 'CPU' as const, measuredMs: {}, cache };
    made.push(loaded);
    return loaded;
  };
  return { load, calls, made };
}
const deps = (load: EngineDeps['loadSegmenter']) => ({ loadSegmenter: load }) as EngineDeps;

describe('preload (a spare worker loads the model before its effect starts)', () => {
  it("loads with the page's runtime and model, and fits only the same runtime, asset base and model", async () => {
    const early = loader();
    const preload = startPreload(request, early.load);
    expect(await preload.segmenter).toBe(early.made[0]);
    expect(early.calls[0]).toMatchObject({ runtime: 'tflite', runtimeCache: cache, modelUrl: MODEL });
    expect(preloadFits(preload, effect)).toBe(true);
    expect(preloadFits(preload, { ...effect, assetBase: BASE.slice(0, -1) })).toBe(true);
    expect(preloadFits(preload, { ...effect, modelUrl: MODEL })).toBe(true);
    expect(preloadFits(preload, { ...effect, runtime: 'mediapipe' })).toBe(false);
    expect(preloadFits(preload, { ...effect, modelUrl: `${BASE}other.tflite` })).toBe(false);
    expect(preloadFits(preload, { ...effect, assetBase: 'http://x/assets/effects-B/' })).toBe(false);
  });

  it('the first load of the effect takes the preloaded segmenter and marks its phases at once; later loads load', async () => {
    const early = loader();
    const late = loader();
    const wrapped = withPreload(deps(late.load), startPreload(request, early.load));
    const timeline = new StartupTimeline(epochNow);
    const first = await wrapped.loadSegmenter(effect, () => undefined, timeline);
    expect(first).toBe(early.made[0]);
    expect(late.calls).toHaveLength(0);
    const report = timeline.report();
    expect(report.at.modelReady).toBeDefined();
    expect(report).toMatchObject({ runtime: 'tflite', wasm: 'page', model: 'page' });
    // A second load (none happens in a worker today) is a load of its own.
    expect(await wrapped.loadSegmenter(effect, () => undefined, timeline)).toBe(late.made[0]);
  });

  it('a failed preload leaves the effect to load (and report) by itself; one that does not fit is closed', async () => {
    const late = loader();
    const failed = withPreload(deps(late.load), startPreload(request, loader(true).load));
    expect(await failed.loadSegmenter(effect, () => undefined, new StartupTimeline(epochNow))).toBe(
      late.made[0],
    );

    const early = loader();
    const other = withPreload(deps(late.load), startPreload(request, early.load));
    const mediapipe = { ...effect, runtime: 'mediapipe' as const };
    expect(await other.loadSegmenter(mediapipe, () => undefined, new StartupTimeline(epochNow))).toBe(
      late.made[1],
    );
    await new Promise((r) => setTimeout(r, 0));
    expect((early.made[0]!.segmenter as ReturnType<typeof fakeSegmenter>).closed).toBe(true);
  });

  it('without a preload the dependencies are left as they are', () => {
    const d = deps(loader().load);
    expect(withPreload(d, null)).toBe(d);
  });
});

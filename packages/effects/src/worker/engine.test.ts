import { describe, expect, it, vi } from 'vitest';
import { EffectError } from '../errors.js';
import type { CompositeParams, Compositor } from '../render/compositor.js';
import type { FrameSource } from '../render/source-stage.js';
import type { Segmenter } from '../segmentation/segmenter.js';
import { Engine, type EngineDeps, type EngineOptions } from './engine.js';

/** Records what the engine asks of the back end; no canvas, no GL. */
class FakeCompositor implements Compositor {
  readonly runtime = 'canvas2d' as const;
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
  setMask(): void {
    this.log.push('setMask');
  }
  refine(): void {
    this.log.push('refine');
  }
  composite(params: CompositeParams): void {
    this.log.push(`composite:${params.mode}`);
  }
  readAlpha() {
    return { width: 2, height: 1, data: new Uint8Array([0, 255]) };
  }
  setBackground(image: ImageBitmap | null): void {
    this.background = image;
  }
  resetTemporal(): void {}
  dispose(): void {
    this.disposed = true;
  }
  composites(): string[] {
    return this.log.filter((l) => l.startsWith('composite:')).map((l) => l.slice(10));
  }
}

function fakeSegmenter(failOn?: number) {
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

const OPTIONS: EngineOptions = { assetBase: '/a/', delegate: 'CPU', adaptive: false, renderer: 'canvas2d' };
const FRAME = {} as FrameSource;

function setup(load: EngineDeps['loadSegmenter']) {
  const compositor = new FakeCompositor();
  const events = { errors: [] as EffectError[], ready: 0 };
  const deps: EngineDeps = {
    createCompositor: () => compositor,
    chooseCompositor: () => ({ compositor, renderer: 'canvas2d', measuredMs: {} }),
    loadSegmenter: load,
  };
  const engine = new Engine(
    OPTIONS,
    { progress: () => undefined, ready: () => events.ready++, error: (e) => events.errors.push(e) },
    deps,
  );
  return { engine, compositor, events };
}

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
    engine.setMode({ kind: 'blur', strength: 0.5 });
    engine.process(FRAME, 0);
    engine.setMode({ kind: 'none' });
    engine.process(FRAME, 33);
    engine.setMode({ kind: 'remove', color: [0, 1, 0] });
    engine.process(FRAME, 66);
    release();
    await started;
    engine.process(FRAME, 100);
    expect(compositor.composites()).toEqual(['privacy', 'none', 'privacy', 'remove']);
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
    expect(seg.calls()).toBe(1);
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
    const seg = fakeSegmenter(3);
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

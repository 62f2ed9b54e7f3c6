import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LaunchedFirefox, launchFirefox } from '../../../test/support/firefox.js';
import { MIN_OUTPUT_SHARE } from '../src/mask/output-verdict.js';
import type { EffectStats } from '../src/worker/stats.js';
import { type PageServer, startPageServer } from './harness.js';
import type { FrameReport } from './page.js';

type Fx = {
  start(o: Record<string, unknown>): Promise<{ pipeline: string; rawCornerHf: number[]; rawFaceHf: number }>;
  ready(): Promise<string | null>;
  setMode(m: Record<string, unknown>): Promise<string | null>;
  take(): FrameReport[];
  painted(): number;
  info(): {
    errors: Array<{ code: string; message: string }>;
    stats: EffectStats | null;
    state: string;
  };
  stop(): Promise<string>;
};
declare const fx: Fx;

let server: PageServer;
let firefox: LaunchedFirefox;

beforeAll(async () => {
  server = await startPageServer();
  firefox = await launchFirefox();
});

afterAll(async () => {
  await firefox?.close();
  await server?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (line: string) => process.stderr.write(`[effects/firefox] ${line}\n`);

async function withPage(body: (page: Page) => Promise<void>): Promise<void> {
  const page = await firefox.browser.newPage();
  try {
    await page.goto(server.url);
    await page.waitForFunction(() => 'fx' in globalThis);
    await body(page);
  } finally {
    await page.evaluate(() => fx.stop()).catch(() => undefined);
    await page.close();
  }
}

async function collect(page: Page, ms: number): Promise<FrameReport[]> {
  await sleep(ms);
  return page.evaluate(() => fx.take());
}

// The astronaut is drawn on a canvas and captured (Firefox's fake camera is synthetic).
describe('background effect in Firefox ESR (headful on Xvfb, software WebGL2)', () => {
  it('remove: frames pipeline, corners keyed, face kept, no raw background', async () => {
    await withPage(async (page) => {
      const started = await page.evaluate(() =>
        fx.start({ source: 'canvas', initialMode: { kind: 'remove', color: '#00ff00' } }),
      );
      expect(started.pipeline).toBe('frames');
      expect(await page.evaluate(() => fx.ready())).toBeNull();
      await collect(page, 2000);
      const frames = await collect(page, 3000);
      const info = await page.evaluate(() => fx.info());
      const last = frames.at(-1)!;
      log(
        `remove: ${frames.length} frames in 3 s; corners ${last.corners.map((c) => c.key.toFixed(2)).join(' ')}; face key ${last.face.key} mad ${last.face.mad.toFixed(1)}`,
      );
      log(`stats: ${JSON.stringify(info.stats)}`);
      expect(frames.length).toBeGreaterThan(5);
      for (const c of last.corners) expect(c.key).toBeGreaterThanOrEqual(0.95);
      expect(last.face.key).toBeLessThan(0.05);
      expect(last.face.mad).toBeLessThan(25);
      expect(frames.filter((f) => f.rawLike)).toEqual([]);
      expect(info.errors).toEqual([]);
    });
  });

  it('blur keeps the face sharp; switching modes never shows the raw background', async () => {
    await withPage(async (page) => {
      const started = await page.evaluate(() =>
        // Sharpness is judged at the camera's size: a loaded machine must not halve the picture here.
        fx.start({ source: 'canvas', initialMode: { kind: 'blur', strength: 0.6 }, lowerResolution: false }),
      );
      expect(await page.evaluate(() => fx.ready())).toBeNull();
      await collect(page, 2000);
      const blurred = await collect(page, 1500);
      const last = blurred.at(-1)!;
      log(
        `blur: face hf ${last.face.hf.toFixed(2)} (raw ${started.rawFaceHf.toFixed(2)}), corner hf ${last.corners.map((c) => c.hf.toFixed(2)).join(' ')} (raw ${started.rawCornerHf.map((x) => x.toFixed(2)).join(' ')})`,
      );
      expect(last.face.hf).toBeGreaterThan(0.7 * started.rawFaceHf);
      for (const i of [0, 2]) expect(last.corners[i]!.hf).toBeLessThan(0.35 * started.rawCornerHf[i]!);
      const modes = [
        { kind: 'remove', color: '#ff00ff' },
        { kind: 'replace', image: 'gradient' },
        { kind: 'blur', strength: 1 },
      ];
      const frames: FrameReport[] = [...blurred];
      for (let i = 0; i < 20; i++) {
        expect(await page.evaluate((m) => fx.setMode(m), modes[i % modes.length]!)).toBeNull();
        frames.push(...(await collect(page, 200)));
      }
      log(`switching: ${frames.length} frames`);
      expect(frames.filter((f) => f.rawLike)).toEqual([]);
    });
  });

  it('a missing model: error event, and no raw background', async () => {
    await withPage(async (page) => {
      await page.evaluate(() =>
        fx.start({ source: 'canvas', modelUrl: '/broken/missing.tflite', initialMode: { kind: 'blur' } }),
      );
      expect(await page.evaluate(() => fx.ready())).toBe('model_load_failed');
      const frames = await collect(page, 2000);
      expect(frames.length).toBeGreaterThan(3);
      expect(frames.filter((f) => f.rawLike)).toEqual([]);
      for (const f of frames) expect(f.face.mad).toBeGreaterThan(20);
    });
  });
});

// The budget rule (issue 10): at least 25 of every 30 camera frames out at 640x480, or the stats say why not.
describe('the budget rule in Firefox ESR (frames pipeline)', () => {
  /** Stats after the controller had time to settle, and the camera's rate counted by the page that paints it. */
  async function settle(page: Page, settleMs: number, windowMs: number) {
    await sleep(settleMs);
    const painted0 = await page.evaluate(() => fx.painted());
    const t0 = Date.now();
    await sleep(windowMs);
    const painted1 = await page.evaluate(() => fx.painted());
    const cameraFps = ((painted1 - painted0) * 1000) / (Date.now() - t0);
    const stats = (await page.evaluate(() => fx.info())).stats!;
    return { cameraFps, stats };
  }

  const describeStats = (s: EffectStats, cameraFps: number) =>
    `camera ${cameraFps.toFixed(1)} fps, out ${s.fpsOut} fps, renderer ${s.renderer} (kernels ${s.kernels}), level ${s.budget?.level}, ` +
    `p50 ${s.msPerFrameP50} ms, stages ${JSON.stringify(s.msPerStage)}, page ${JSON.stringify(s.page)}, ` +
    `degraded ${s.degraded ? s.degraded.message : 'no'}`;

  it('blur keeps >= 25 of 30 camera frames, or stats.degraded says why', async () => {
    await withPage(async (page) => {
      await page.evaluate(() =>
        fx.start({ source: 'canvas', analyse: false, initialMode: { kind: 'blur', strength: 0.6 } }),
      );
      expect(await page.evaluate(() => fx.ready())).toBeNull();
      // Three budget steps of 8 frames each, at a few fps on a loaded machine, plus the EMA's settling.
      const { cameraFps, stats } = await settle(page, 10_000, 4000);
      log(`rule: ${describeStats(stats, cameraFps)}`);
      expect(stats.pipeline).toBe('frames');
      expect(stats.state).toBe('ready');
      // Firefox has wasm SIMD (since 89): the YUV back end's byte kernels run in wasm there too.
      if (stats.renderer === 'yuv') expect(stats.kernels).toBe('wasm-simd');
      // The rule is held against the camera as the effect receives it: Firefox's frame callbacks on a captured
      // canvas miss some painted frames (a CI run: 30.0 painted, 27.3 seen by the page), and no effect can send
      // frames it never got. Both rates are logged above.
      const seenFps = stats.budget ? 1000 / stats.budget.frameIntervalMsEma : cameraFps;
      const holds = stats.fpsOut >= MIN_OUTPUT_SHARE * Math.min(cameraFps, seenFps);
      if (!holds) {
        // Not kept: the effect must know it, from a camera rate it measured itself, and say why.
        expect(stats.degraded).not.toBeNull();
        expect(['cpu', 'adapting', 'overhead']).toContain(stats.degraded!.reason);
        expect(stats.degraded!.message).toMatch(/^output [\d.]+ fps < [\d.]+ fps: /);
        if (stats.degraded!.reason === 'cpu') {
          expect(stats.degraded!.level).toBe(stats.degraded!.lowestLevel);
          expect(stats.degraded!.costMs).toBeGreaterThan(stats.degraded!.budgetMs);
        }
      }
      // The page only wraps and shows frames: well under half a camera interval of main-thread time each.
      expect(stats.page).toBeDefined();
      expect(stats.page!.mainThreadMsPerFrame).toBeLessThan(1000 / 30 / 2);
    });
  });

  it('a device too slow for the effect: the budget reaches its cheapest level and stats say cpu', async () => {
    await withPage(async (page) => {
      // Every frame costs 3 camera intervals more than the effect itself: no level can keep up.
      const slowFrameMs = 3 * (1000 / 30);
      await page.evaluate(
        (ms) =>
          fx.start({
            source: 'canvas',
            analyse: false,
            initialMode: { kind: 'blur', strength: 0.6 },
            testing: { slowFrameMs: ms },
          }),
        slowFrameMs,
      );
      expect(await page.evaluate(() => fx.ready())).toBeNull();
      let stats: EffectStats | null = null;
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        await sleep(1000);
        stats = (await page.evaluate(() => fx.info())).stats;
        if (stats?.degraded?.reason === 'cpu') break;
      }
      log(`too slow: ${stats ? describeStats(stats, Number.NaN) : 'no stats'}`);
      expect(stats?.degraded).toMatchObject({ reason: 'cpu' });
      const d = stats!.degraded!;
      expect(d.level).toBe(d.lowestLevel);
      expect(stats!.budget!.level).toBe(d.lowestLevel);
      expect(d.costMs).toBeGreaterThan(slowFrameMs);
      expect(d.costMs).toBeGreaterThan(d.budgetMs);
      expect(d.fpsOut).toBeLessThan(d.fpsTarget);
      expect(d.message).toContain('too slow');
      // The decisions that got it there are in the stats too, each with its reason.
      expect(stats!.budget!.decisions.length).toBeGreaterThanOrEqual(d.lowestLevel);
    });
  });
});

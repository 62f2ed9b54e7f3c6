import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LaunchedBrowser, launchChromium } from '../../../test/support/chromium.js';
import type { StartupReport } from '../src/index.js';
import { standInGapMs } from '../src/track/stand-in.js';
import { makeFakeCamera, type PageServer, startPageServer } from './harness.js';
import type { FrameReport } from './page.js';

type Fx = {
  start(o: Record<string, unknown>): Promise<{ pipeline: string }>;
  preload(): Promise<void>;
  ready(): Promise<string | null>;
  take(): FrameReport[];
  startup(): StartupReport | null;
  startupEvents(): StartupReport[];
  killWorker(): number;
  suspend(): Promise<string | null>;
  setMode(m: Record<string, unknown>): Promise<string | null>;
  counted(): number;
  loads(): { workers: number; wasmFetches: number; mediapipeFetches: number };
  restarts(): number;
  info(): {
    errors: Array<{ code: string }>;
    state: string;
    trackState: string;
    stats: { privacyFrames: number; standIns?: number; msPerFrameP95: number } | null;
  };
  stop(): Promise<string>;
  compareRuntimes(): Promise<Record<string, { raw: number[]; msPerInference: number; loadMs: number }>>;
};
declare const fx: Fx;

let server: PageServer;
let browser: LaunchedBrowser;

beforeAll(async () => {
  const camera = await makeFakeCamera();
  // The wasm and model are served the way the app server serves its hashed assets: kept, never revalidated.
  server = await startPageServer(new Map(), { cacheAssets: true });
  browser = await launchChromium({ fakeCamera: camera });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (line: string) => process.stderr.write(`[startup] ${line}\n`);
const REMOVE = { kind: 'remove', color: '#00ff00' };

async function openPage(): Promise<Page> {
  const page = await browser.context.newPage();
  page.on('pageerror', (e) => log(`pageerror: ${e.message}`));
  await page.goto(server.url);
  await page.waitForFunction(() => 'fx' in globalThis);
  return page;
}

/** Starts an effect and waits for its timeline to reach the first effected frame. */
async function startAndReport(page: Page, analyse = false): Promise<StartupReport> {
  await page.evaluate(([mode, a]) => fx.start({ initialMode: mode, analyse: a }), [REMOVE, analyse] as const);
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    const report = await page.evaluate(() => fx.startup());
    if (report?.at.firstFrame !== undefined) return report;
    await sleep(200);
  }
  throw new Error(`no effected frame within 90 s: ${JSON.stringify(await page.evaluate(() => fx.info()))}`);
}

const keyed = (f: FrameReport) => f.corners.every((c) => c.key >= 0.95) && f.face.key < 0.05;
/** The privacy frame: neither the key nor the camera's face (shrunk, scaled up, darkened). */
const privacy = (f: FrameReport) => f.corners.every((c) => c.key < 0.5) && f.face.mad > 20;

describe('effect start-up (headless Chromium, software GL)', () => {
  it('a second start reuses the decisions, the compiled wasm and the model; a second visit gets them from the caches', async () => {
    const first = await openPage();
    try {
      const cold = await startAndReport(first);
      log(`first start: ${JSON.stringify(cold)}`);
      // A start without a preload loads the model itself (the steps are in its timeline).
      expect(cold.detailMs.loadModel).toBeGreaterThanOrEqual(0);
      expect(cold.runtime).toBe('tflite');
      // Nothing cached yet: the wasm and model came over the network; the back end was decided without a
      // trial because WebGL here is SwiftShader.
      expect(cold.wasm).toBe('network');
      expect(cold.model).toBe('network');
      expect(cold.decisions).toBe('software-gl');
      expect(cold.glRenderer).toMatch(/swiftshader/i);
      // With no preload, the start itself made the GL context that reads the renderer.
      expect(cold.detailMs.readRenderer).toBeGreaterThanOrEqual(0);
      // The TFLite runtime needs nothing of MediaPipe Tasks (its API script and wasm load only when chosen).
      expect((await first.evaluate(() => fx.loads())).mediapipeFetches).toBe(0);

      await first.evaluate(() => fx.stop());
      const again = await startAndReport(first);
      log(`second start, same page: ${JSON.stringify(again)}`);
      // The page handed the compiled module and the model bytes to the new worker: nothing fetched, nothing
      // compiled; the decision came from the cache, so no GL context was even made to look at the renderer.
      expect(again.wasm).toBe('page');
      expect(again.model).toBe('page');
      expect(again.decisions).toBe('cache');
      expect(again.glRenderer).toBeNull();
    } finally {
      await first.evaluate(() => fx.stop()).catch(() => undefined);
      await first.close();
    }

    const second = await openPage();
    try {
      const warm = await startAndReport(second);
      log(`second visit: ${JSON.stringify(warm)}`);
      expect(warm.wasm).toBe('http-cache');
      expect(warm.model).toBe('http-cache');
      expect(warm.decisions).toBe('cache');
    } finally {
      await second.evaluate(() => fx.stop()).catch(() => undefined);
      await second.close();
    }
  });

  it('a preload before there is a camera track leaves the start nothing to fetch or compile', async () => {
    const page = await openPage();
    try {
      await page.evaluate(() => fx.preload());
      const report = await startAndReport(page);
      log(`start after a preload: ${JSON.stringify(report)}`);
      // The page compiled the wasm and fetched the model while it had no camera: the worker got both from it.
      expect(report.wasm).toBe('page');
      expect(report.model).toBe('page');
      expect(report.runtime).toBe('tflite');
      // The worker the preload started is the effect's, and it had loaded the model before the effect began:
      // this start instantiated nothing and loaded no model (those steps are not in its timeline).
      expect((await page.evaluate(() => fx.loads())).workers).toBe(1);
      expect(report.detailMs.instantiate).toBeUndefined();
      expect(report.detailMs.loadModel).toBeUndefined();
      expect(report.at.modelReady).toBeDefined();
    } finally {
      await page.evaluate(() => fx.stop()).catch(() => undefined);
      await page.close();
    }
  });

  it('a preload with no decision kept reads the GL renderer in its spare worker, so the start does not', async () => {
    const page = await openPage();
    try {
      // The first test kept its decision in this origin's storage: this page is a first visit again.
      await page.evaluate(() => localStorage.clear());
      await page.evaluate(() => fx.preload());
      const report = await startAndReport(page);
      log(`start after a preload, no decision kept: ${JSON.stringify(report)}`);
      expect((await page.evaluate(() => fx.loads())).workers).toBe(1);
      expect(report.decisions).toBe('software-gl');
      expect(report.glRenderer).toMatch(/swiftshader/i);
      expect(report.detailMs.readRenderer).toBeUndefined();
    } finally {
      await page.evaluate(() => fx.stop()).catch(() => undefined);
      await page.close();
    }
  });

  it('effect -> suspended (None) -> effect keeps one worker: nothing output while idle, the effect back from the next frame', async () => {
    const page = await openPage();
    try {
      const first = await startAndReport(page, true);
      const before = await page.evaluate(() => fx.loads());
      expect(before.workers).toBe(1);
      // Wait for the effect on the output.
      const onBy = Date.now() + 60_000;
      let frames: FrameReport[] = [];
      while (Date.now() < onBy && !frames.some(keyed)) {
        await sleep(250);
        frames = await page.evaluate(() => fx.take());
      }
      expect(frames.some(keyed)).toBe(true);
      const standInsBefore = (await page.evaluate(() => fx.info())).stats?.standIns ?? 0;

      for (let round = 0; round < 2; round++) {
        expect(await page.evaluate(() => fx.suspend())).toBeNull();
        // A frame already on its way may still land; after that the idle worker outputs nothing.
        await sleep(500);
        const idleFrom = await page.evaluate(() => fx.counted());
        await sleep(1500);
        const idleFrames = (await page.evaluate(() => fx.counted())) - idleFrom;
        await page.evaluate(() => fx.take());

        const chosenAt = await page.evaluate(() => performance.timeOrigin + performance.now());
        expect(await page.evaluate((m) => fx.setMode(m), REMOVE)).toBeNull();
        const back: FrameReport[] = [];
        const by = Date.now() + 30_000;
        while (Date.now() < by && back.filter(keyed).length < 5) {
          await sleep(100);
          back.push(...(await page.evaluate(() => fx.take())));
        }
        const info = await page.evaluate(() => fx.info());
        log(
          `suspend/resume round ${round}: ${idleFrames} frames out in 1.5 s idle; after resume ${back.length} frames, first keyed at #${back.findIndex(keyed)}, privacy ${back.filter(privacy).length}; ${JSON.stringify(await page.evaluate(() => fx.loads()))}`,
        );
        expect(idleFrames).toBe(0);
        // The same worker, runtime and model: no worker started, no wasm fetched, no start-up again (the
        // timeline is still the first start's).
        expect(await page.evaluate(() => fx.loads())).toEqual(before);
        expect((await page.evaluate(() => fx.startup()))?.at.created).toBe(first.at.created);
        // The resume has a timeline of its own, from the choice to its first effected frame, as an event.
        const resumes = (await page.evaluate(() => fx.startupEvents())).filter((r) => r.kind === 'resume');
        expect(resumes).toHaveLength(round + 1);
        const resume = resumes.at(-1)!;
        expect(resume.at.created).toBeGreaterThanOrEqual(chosenAt);
        expect(resume.at.firstFrame).toBeGreaterThanOrEqual(resume.at.created!);
        expect(Object.keys(resume.at).sort()).toEqual(['created', 'firstFrame']);
        // The model runs on the first frame after the switch: no privacy frame while it loads, and the
        // effect (never the raw camera) from the first frames.
        expect(back.filter(keyed).length).toBeGreaterThanOrEqual(5);
        expect(back.filter(privacy)).toEqual([]);
        expect(back.filter((f) => f.rawLike)).toEqual([]);
        expect(info.errors).toEqual([]);
        // Idle is not a dead worker: no dark stand-ins.
        expect(info.stats?.standIns ?? 0).toBe(standInsBefore);
      }
    } finally {
      await page.evaluate(() => fx.stop()).catch(() => undefined);
      await page.close();
    }
  });

  it('the TFLite runtime gives the model output MediaPipe gives (same model, same input)', async () => {
    const page = await openPage();
    try {
      const both = await page.evaluate(() => fx.compareRuntimes());
      const a = both.tflite!.raw;
      const b = both.mediapipe!.raw;
      expect(a.length).toBe(b.length);
      let sum = 0;
      let max = 0;
      for (let i = 0; i < a.length; i++) {
        sum += Math.abs(a[i]! - b[i]!);
        max = Math.max(max, Math.abs(a[i]! - b[i]!));
      }
      const person = a.filter((v) => v > 0.5).length / a.length;
      log(
        `runtimes: mean |tflite - mediapipe| ${(sum / a.length).toFixed(4)}, max ${max.toFixed(3)}, person ${(person * 100).toFixed(1)}%; ms per inference (EMA) tflite ${both.tflite!.msPerInference.toFixed(1)} mediapipe ${both.mediapipe!.msPerInference.toFixed(1)}; load ms tflite ${both.tflite!.loadMs.toFixed(0)} mediapipe ${both.mediapipe!.loadMs.toFixed(0)}`,
      );
      // The astronaut is found (a fair share of the frame is person), and both runtimes agree on it.
      expect(person).toBeGreaterThan(0.2);
      expect(sum / a.length).toBeLessThan(0.02);
    } finally {
      await page.close();
    }
  });

  it('a worker killed mid-stream is replaced on the same track: never raw, never frozen, the effect comes back', async () => {
    const page = await openPage();
    try {
      await page.evaluate((mode) => fx.start({ initialMode: mode }), REMOVE);
      expect(await page.evaluate(() => fx.ready())).toBeNull();
      // Wait for the effect to be on.
      let before: FrameReport[] = [];
      const onBy = Date.now() + 60_000;
      while (Date.now() < onBy && !before.some(keyed)) {
        await sleep(250);
        before = before.concat(await page.evaluate(() => fx.take()));
      }
      expect(before.some(keyed)).toBe(true);

      // How slow frames are when the worker dies: a worker that slow is given longer before stand-ins.
      const p95AtKill = (await page.evaluate(() => fx.info())).stats?.msPerFrameP95 ?? Number.NaN;
      expect(await page.evaluate(() => fx.killWorker())).toBe(0);
      const killedAt = Date.now();
      const after: FrameReport[] = [];
      let recovered = false;
      const deadline = killedAt + 60_000;
      while (Date.now() < deadline && !recovered) {
        await sleep(250);
        after.push(...(await page.evaluate(() => fx.take())));
        // Recovered: a restart happened and the last frames are the effect again.
        recovered =
          (await page.evaluate(() => fx.restarts())) === 1 && after.slice(-5).filter(keyed).length === 5;
      }
      const info = await page.evaluate(() => fx.info());
      const privacyFrames = after.filter(privacy).length;
      // The longest the output went without a frame after the kill: stand-ins fill the time the page needs to
      // notice the death (WORKER_SILENCE_MS) and the new worker's start.
      let lastAt = before.at(-1)!.t;
      let longestGap = 0;
      for (const f of after) {
        longestGap = Math.max(longestGap, f.t - lastAt);
        lastAt = f.t;
      }
      log(
        `kill: recovered ${recovered} after ${Date.now() - killedAt} ms; ${after.length} frames after the kill, ${privacyFrames} privacy, ${after.filter(keyed).length} keyed; new worker's privacy frames ${info.stats?.privacyFrames}; stand-ins ${info.stats?.standIns}; longest gap between output frames ${Math.round(longestGap)} ms (frame p95 at the kill ${Math.round(p95AtKill)} ms)`,
      );
      expect(recovered).toBe(true);
      expect(info.trackState).toBe('live');
      expect(info.errors).toEqual([]);
      // Every frame after the kill is either the effect or the privacy frame: never the raw camera.
      expect([...before, ...after].filter((f) => f.rawLike)).toEqual([]);
      // Dark stand-ins (no key, no face) fill the gap; at most a couple of frames mid-blend are anything else.
      const standIns = info.stats?.standIns ?? 0;
      expect(standIns).toBeGreaterThan(0);
      expect(after.filter((f) => !keyed(f) && !privacy(f)).length).toBeLessThanOrEqual(2 + standIns);
      // Never frozen: stand-ins start STAND_IN_AFTER_MS (1 s, or 3x the frame p95 when frames are that slow)
      // into a gap, not when the death is noticed (WORKER_SILENCE_MS, 5 s); 1 s more is slack for the load.
      expect(longestGap).toBeLessThan(standInGapMs(p95AtKill) + 1_000);
    } finally {
      await page.evaluate(() => fx.stop()).catch(() => undefined);
      await page.close();
    }
  });
});

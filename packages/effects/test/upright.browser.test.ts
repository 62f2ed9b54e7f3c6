import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LaunchedBrowser, launchChromium } from '../../../test/support/chromium.js';
import type { EffectStats } from '../src/index.js';
import { makeFakeCamera, type PageServer, startPageServer, withTestPage } from './harness.js';

// Upright cameras (a phone held upright) get the square model's pass; wide ones never fetch it
// (segmentation/models.ts).

type Fx = {
  start(o: Record<string, unknown>): Promise<unknown>;
  info(): { errors: Array<{ code: string; message: string }>; stats: EffectStats | null; state: string };
  stop(): Promise<string>;
  maskShapes(): Promise<
    Record<
      'wide' | 'upright',
      { secondPass: string | null; size: number[]; face: number; topLeft: number; topRight: number }
    >
  >;
};
declare const fx: Fx;

const SQUARE_MODEL = '/assets/effects/selfie_segmentation.tflite';
let server: PageServer;
let browser: LaunchedBrowser;

beforeAll(async () => {
  server = await startPageServer();
  browser = await launchChromium({ fakeCamera: await makeFakeCamera() });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (line: string) => process.stderr.write(`[upright] ${line}\n`);

async function withPage(body: (page: Page) => Promise<void>): Promise<void> {
  const page = await browser.context.newPage();
  page.on('pageerror', (e) => log(`pageerror: ${e.message}`));
  await withTestPage(page, server.url, body);
}

/** Polls the effect's stats until `done` holds (at most `maxMs`), returning the last ones. */
async function statsUntil(page: Page, done: (s: EffectStats) => boolean, maxMs = 60_000) {
  const deadline = Date.now() + maxMs;
  let stats: EffectStats | null = null;
  while (Date.now() < deadline) {
    stats = (await page.evaluate(() => fx.info().stats)) as EffectStats | null;
    if (stats && done(stats)) break;
    await sleep(250);
  }
  return stats;
}

const squareFetches = () => server.requests.filter((p) => p === SQUARE_MODEL).length;

describe('effects: the model pass follows the camera shape (Chromium)', () => {
  it('a wide camera runs the mirrored pass and never fetches the square model', async () => {
    const before = squareFetches();
    await withPage(async (page) => {
      await page.evaluate(() =>
        fx.start({ source: 'canvas', analyse: false, initialMode: { kind: 'blur', strength: 0.6 } }),
      );
      // Full quality is the level that runs a second pass; other jobs may push the budget below it, so the
      // test waits for a model frame that ran one.
      const stats = await statsUntil(page, (s) => s.state === 'ready' && s.secondPass !== null);
      expect(stats?.secondPass).toBe('mirror');
      // The model's runs alone and its input are parts of segment + mirror (the TFLite runtime reports them).
      const ms = stats!.msPerStage;
      log(`wide stats: ${JSON.stringify(ms)}`);
      expect(ms.inference).toBeGreaterThan(0);
      expect(ms.input).toBeGreaterThan(0);
      expect(ms.inference).toBeLessThan(ms.segment + ms.mirror);
      expect(ms.input).toBeLessThan(ms.segment);
      await sleep(1000);
      expect(squareFetches()).toBe(before);
    });
  });

  it('an upright camera fetches the square model once and runs its pass, with no error', async () => {
    const before = squareFetches();
    await withPage(async (page) => {
      await page.evaluate(() =>
        fx.start({
          source: 'upright-canvas',
          analyse: false,
          initialMode: { kind: 'blur', strength: 0.6 },
        }),
      );
      const stats = await statsUntil(page, (s) => s.secondPass === 'square');
      log(`upright stats: ${JSON.stringify({ level: stats?.budget?.level, msPerStage: stats?.msPerStage })}`);
      expect(stats?.secondPass).toBe('square');
      expect(stats?.msPerStage.square).toBeGreaterThan(0);
      expect(squareFetches() - before).toBe(1);
      const info = await page.evaluate(() => fx.info());
      expect(info.errors).toEqual([]);
      expect(info.stats?.state).toBe('ready');
    });
  });

  it('the mask (same Engine, mask processor) is right on both shapes: person kept, background gone', async () => {
    await withPage(async (page) => {
      const r = await page.evaluate(() => fx.maskShapes());
      log(JSON.stringify(r));
      expect(r.wide.secondPass).toBe('mirror');
      expect(r.upright.secondPass).toBe('square');
      expect(r.upright.size).toEqual([480, 640]);
      for (const shape of [r.wide, r.upright]) {
        expect(shape.face).toBeGreaterThan(230);
        expect(shape.topLeft).toBeLessThan(20);
        expect(shape.topRight).toBeLessThan(20);
      }
    });
  });
});

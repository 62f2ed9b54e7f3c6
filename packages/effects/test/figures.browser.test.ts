import { afterEach, describe, expect, it } from 'vitest';
import { type LaunchedBrowser, launchChromium } from '../../../test/support/chromium.js';
import { makeFakeCamera, type PageServer, startPageServer } from './harness.js';

/**
 * Not a benchmark (that is packages/bench): records what the effect costs here, at 640x480 and 1280x720, with
 * the page doing nothing but counting output frames. Asserts only that frames flow.
 */
declare const fx: {
  start(o: Record<string, unknown>): Promise<unknown>;
  ready(): Promise<string | null>;
  counted(): number;
  info(): { stats: Record<string, unknown> | null };
  stop(): Promise<string>;
};

let server: PageServer | undefined;
let browser: LaunchedBrowser | undefined;

afterEach(async () => {
  await browser?.close();
  await server?.close();
});

// FIGURES_MODES=blur limits the run (e.g. while comparing one change).
const MODES = [
  { kind: 'blur', strength: 0.6 },
  { kind: 'remove', color: '#00ff00' },
].filter((m) => !process.env.FIGURES_MODES || process.env.FIGURES_MODES.split(',').includes(m.kind));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('effect figures in headless Chromium', () => {
  for (const [width, height] of [
    [640, 480],
    [1280, 720],
  ] as const) {
    for (const mode of MODES) {
      it(`${mode.kind} at ${width}x${height}`, async () => {
        server = await startPageServer();
        browser = await launchChromium({ fakeCamera: await makeFakeCamera(width, height) });
        const page = await browser.context.newPage();
        await page.goto(server.url);
        await page.waitForFunction(() => 'fx' in globalThis);
        await page.evaluate((o) => fx.start(o), { width, height, analyse: false, initialMode: mode });
        expect(await page.evaluate(() => fx.ready())).toBeNull();
        await sleep(4000);
        const before = await page.evaluate(() => fx.counted());
        await sleep(10_000);
        const after = await page.evaluate(() => fx.counted());
        const stats = (await page.evaluate(() => fx.info())).stats as Record<string, unknown>;
        await page.evaluate(() => fx.stop());
        const budget = stats.budget as { level: number; decisions: unknown[] };
        process.stderr.write(
          `[figures] ${mode.kind} ${width}x${height}: delivered ${((after - before) / 10).toFixed(1)} fps; ` +
            `worker p50 ${stats.msPerFrameP50} ms p95 ${stats.msPerFrameP95} ms; renderer ${stats.renderer}, delegate ${stats.delegate}; ` +
            `budget level ${budget.level}; stages ${JSON.stringify(stats.msPerStage)}; measured ${JSON.stringify(stats.rendererMeasuredMs)} ${JSON.stringify(stats.delegateMeasuredMs)}\n`,
        );
        expect(after - before).toBeGreaterThan(0);
      });
    }
  }
});

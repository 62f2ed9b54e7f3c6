import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LaunchedBrowser, launchChromium } from '../../../test/support/chromium.js';
import { makeFakeCamera, type PageServer, startPageServer } from './harness.js';
import type { FrameReport } from './page.js';

type Fx = {
  start(o: Record<string, unknown>): Promise<{ pipeline: string; rawCornerHf: number[]; rawFaceHf: number }>;
  ready(): Promise<string | null>;
  setMode(m: Record<string, unknown>): Promise<string | null>;
  take(): FrameReport[];
  info(): {
    errors: Array<{ code: string; message: string }>;
    progressEvents: number;
    stats: Record<string, unknown> | null;
    state: string;
    trackState: string;
  };
  stop(): Promise<string>;
  maskProcessor(): Promise<Record<string, unknown>>;
};
declare const fx: Fx;

let server: PageServer;
let browser: LaunchedBrowser;

beforeAll(async () => {
  const camera = await makeFakeCamera();
  server = await startPageServer();
  browser = await launchChromium({ fakeCamera: camera });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function openPage(): Promise<Page> {
  const page = await browser.context.newPage();
  page.on('pageerror', (e) => process.stderr.write(`pageerror: ${e.message}\n`));
  await page.goto(server.url);
  await page.waitForFunction(() => 'fx' in globalThis);
  return page;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function collect(page: Page, ms: number): Promise<FrameReport[]> {
  await sleep(ms);
  return page.evaluate(() => fx.take());
}

describe('background effect in headless Chromium (astronaut fake camera)', () => {
  it('remove: corners become the key colour, the face stays', async () => {
    const page = await openPage();
    try {
      const started = await page.evaluate(() =>
        fx.start({ initialMode: { kind: 'remove', color: '#00ff00' } }),
      );
      expect(started.pipeline).toBe('streams');
      const readyErr = await page.evaluate(() => fx.ready());
      if (readyErr)
        process.stderr.write(
          `ready failed: ${JSON.stringify((await page.evaluate(() => fx.info())).errors)}\n`,
        );
      expect(readyErr).toBeNull();
      await collect(page, 1000);
      const frames = await collect(page, 6000);
      const last = frames.at(-1)!;
      process.stderr.write(
        `remove: ${frames.length} frames in 2 s; corners key: ${last.corners.map((c) => c.key.toFixed(3)).join(' ')} face key ${last.face.key.toFixed(3)} face mad ${last.face.mad.toFixed(1)}\n`,
      );
      process.stderr.write(`stats: ${JSON.stringify((await page.evaluate(() => fx.info())).stats)}\n`);
      process.stderr.write(JSON.stringify((await page.evaluate(() => fx.info())).errors) + '\n');
      expect(frames.length).toBeGreaterThan(10);
      for (const c of last.corners) expect(c.key).toBeGreaterThanOrEqual(0.95);
      expect(last.face.key).toBeLessThan(0.05);
      expect(last.face.mad).toBeLessThan(20);
      expect(frames.some((f) => f.rawLike)).toBe(false);
      const info = await page.evaluate(() => fx.info());
      process.stderr.write(`stats: ${JSON.stringify(info.stats)}\n`);
      process.stderr.write(JSON.stringify(info.errors) + '\n');
      expect(info.errors).toEqual([]);
      expect(info.progressEvents).toBeGreaterThan(0);
    } finally {
      await page.evaluate(() => fx.stop()).catch(() => undefined);
      await page.close();
    }
  });
});

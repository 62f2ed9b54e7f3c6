import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LaunchedFirefox, launchFirefox } from '../../../test/support/firefox.js';
import { type PageServer, startPageServer } from './harness.js';
import type { FrameReport } from './page.js';

type Fx = {
  start(o: Record<string, unknown>): Promise<{ pipeline: string; rawCornerHf: number[]; rawFaceHf: number }>;
  ready(): Promise<string | null>;
  setMode(m: Record<string, unknown>): Promise<string | null>;
  take(): FrameReport[];
  info(): {
    errors: Array<{ code: string; message: string }>;
    stats: Record<string, unknown> | null;
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
        fx.start({ source: 'canvas', initialMode: { kind: 'blur', strength: 0.6 } }),
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

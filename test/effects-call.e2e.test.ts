import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstFrameRgb, makePortraitCamera } from './support/cameras.js';
import { type LaunchedBrowser, launchChromium } from './support/chromium.js';
import { startTestServer, type TestServer } from './support/server.js';

/** Each person removes their background to their own key colour, so receivers can tell whose tile is whose. */
const PEOPLE = [
  { name: 'Ana', key: [0, 200, 0] },
  { name: 'Ben', key: [200, 0, 200] },
  { name: 'Cy', key: [0, 60, 220] },
] as const;

const hex = (rgb: readonly number[]) => `#${rgb.map((c) => c.toString(16).padStart(2, '0')).join('')}`;

interface TileRegions {
  name: string;
  frames: number;
  /** Mean RGB of the top-left and top-right 12% squares (wall and flag behind the astronaut). */
  corners: number[][];
  /** Mean RGB of the astronaut's face. */
  face: number[];
}

function readTiles(page: Page): Promise<TileRegions[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLVideoElement>('video[data-participant-name]')].map((video) => {
      const w = 160;
      const h = 120;
      const canvas = document.createElement('canvas');
      canvas.width = w;
      canvas.height = h;
      const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
      ctx.drawImage(video, 0, 0, w, h);
      const mean = (x0: number, y0: number, x1: number, y1: number) => {
        const d = ctx.getImageData(x0, y0, x1 - x0, y1 - y0).data;
        const sum = [0, 0, 0];
        for (let i = 0; i < d.length; i += 4) for (let c = 0; c < 3; c++) sum[c]! += d[i + c]!;
        return sum.map((s) => s / (d.length / 4));
      };
      const s = Math.round(w * 0.12);
      return {
        name: video.dataset.participantName ?? '',
        frames: video.getVideoPlaybackQuality().totalVideoFrames,
        corners: [mean(0, 0, s, s), mean(w - s, 0, w, s)],
        // The astronaut's face: around (0.44, 0.22) of the 640x480 crop.
        face: mean(Math.round(w * 0.38), Math.round(h * 0.16), Math.round(w * 0.5), Math.round(h * 0.3)),
      };
    }),
  );
}

const distance = (a: readonly number[], b: readonly number[]) =>
  Math.max(...a.map((v, i) => Math.abs(v - b[i]!)));

/** The raw camera's mean colour in the same corner squares, decoded by ffmpeg, to prove they changed. */
function rawCorners(file: string): number[][] {
  const w = 160;
  const h = 120;
  const rgb = firstFrameRgb(file, w, h);
  const s = Math.round(w * 0.12);
  const mean = (x0: number) => {
    const sum = [0, 0, 0];
    for (let y = 0; y < s; y++)
      for (let x = x0; x < x0 + s; x++) for (let c = 0; c < 3; c++) sum[c]! += rgb[(y * w + x) * 3 + c]!;
    return sum.map((v) => v / (s * s));
  };
  return [mean(0), mean(w - s)];
}

/**
 * A corner shows the sender's key colour: close to it (saturated colours shift a little through the YUV
 * conversions and VP8), closer to it than to any other participant's key, and far from the real background.
 */
function showsKey(corner: readonly number[], key: readonly number[], raw: readonly number[]): boolean {
  const own = distance(corner, key);
  return (
    own < 64 &&
    PEOPLE.every((p) => p.key === key || distance(corner, p.key) > own) &&
    distance(corner, raw) > 60
  );
}

describe('a call where everyone removes their background', () => {
  let server: TestServer;
  const browsers: LaunchedBrowser[] = [];
  const pages = new Map<string, Page>();
  let raw: number[][] = [];

  beforeAll(async () => {
    server = await startTestServer();
    const camera = makePortraitCamera();
    raw = rawCorners(camera.file);
    for (const person of PEOPLE) {
      const browser = await launchChromium({ fakeCamera: camera.file });
      browsers.push(browser);
      const page = await browser.context.newPage();
      const query = new URLSearchParams({
        name: person.name,
        autojoin: '1',
        effect: 'remove',
        background: hex(person.key),
      });
      await page.goto(`${server.url}/r/effects-call?${query}`);
      pages.set(person.name, page);
    }
  });

  afterAll(async () => {
    await Promise.all(browsers.map((b) => b.close()));
    await server?.stop();
  });

  it('shows every receiver the others with their backgrounds replaced by the sender’s key colour', async () => {
    for (const person of PEOPLE) {
      const page = pages.get(person.name)!;
      const deadline = Date.now() + 90_000;
      let tiles: TileRegions[] = [];
      let ok = false;
      while (Date.now() < deadline && !ok) {
        tiles = await readTiles(page);
        ok =
          tiles.length === 2 &&
          tiles.every((t) => {
            const key = PEOPLE.find((p) => p.name === t.name)?.key;
            return key !== undefined && t.frames > 0 && t.corners.every((c, i) => showsKey(c, key, raw[i]!));
          });
        if (!ok) await new Promise((r) => setTimeout(r, 500));
      }
      console.log(
        `${person.name} sees ${JSON.stringify(tiles.map((t) => ({ ...t, corners: t.corners.map((c) => c.map(Math.round)), face: t.face.map(Math.round) })))}`,
      );
      expect(tiles.map((t) => t.name).sort()).toEqual(
        PEOPLE.filter((p) => p !== person)
          .map((p) => p.name)
          .sort(),
      );
      for (const tile of tiles) {
        const key = PEOPLE.find((p) => p.name === tile.name)!.key;
        tile.corners.forEach((corner, i) => {
          const what = `${tile.name}'s corner ${JSON.stringify(corner.map(Math.round))} at ${person.name}`;
          expect(
            showsKey(corner, key, raw[i]!),
            `${what}; raw ${JSON.stringify(raw[i]!.map(Math.round))}`,
          ).toBe(true);
        });
        expect(distance(tile.face, key), `${tile.name}'s face is not key colour`).toBeGreaterThan(60);
      }
    }
  });
});

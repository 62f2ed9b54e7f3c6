import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAYER_SCALE } from '../packages/client/src/layer-choice.js';
import { type FakeCamera, makeCamera, REF_H, REF_W, thumbnailDistance } from './support/cameras.js';
import { type LaunchedBrowser, launchChromium } from './support/chromium.js';
import { poll } from './support/poll.js';
import { startTestServer, type TestServer } from './support/server.js';

interface RemoteTile {
  name: string;
  width: number;
  height: number;
  frames: number;
  thumbnail: number[];
  /** The video element's box height in device pixels (what the receiver's layer choice covers). */
  boxHeightPx: number;
}

/** Reads every remote tile of a page: size, decoded frame count and a REF_W x REF_H RGBA thumbnail. */
function readRemoteTiles(page: Page): Promise<RemoteTile[]> {
  return page.evaluate(
    ([w, h]) =>
      [...document.querySelectorAll<HTMLVideoElement>('video[data-participant-name]')].map((video) => {
        const canvas = document.createElement('canvas');
        canvas.width = w;
        canvas.height = h;
        const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
        ctx.imageSmoothingQuality = 'high';
        ctx.drawImage(video, 0, 0, w, h);
        return {
          name: video.dataset.participantName ?? '',
          width: video.videoWidth,
          height: video.videoHeight,
          frames: video.getVideoPlaybackQuality().totalVideoFrames,
          boxHeightPx: video.clientHeight * devicePixelRatio,
          thumbnail: [...ctx.getImageData(0, 0, w, h).data],
        };
      }),
    [REF_W, REF_H] as const,
  );
}

const PEOPLE = [
  { name: 'Alice', camera: 'red' },
  { name: 'Bob', camera: 'blue' },
  { name: 'Chandra', camera: 'violet' },
] as const;

describe('a three-person call through the real server and Janus', () => {
  let server: TestServer;
  const browsers: LaunchedBrowser[] = [];
  const pages = new Map<string, Page>();
  const cameras = new Map<string, FakeCamera>();

  beforeAll(async () => {
    server = await startTestServer();
    for (const person of PEOPLE) {
      const camera = makeCamera(person.camera);
      cameras.set(person.name, camera);
      const browser = await launchChromium({ fakeCamera: camera.file });
      browsers.push(browser);
      const page = await browser.context.newPage();
      page.on('pageerror', (error) => console.error(`[${person.name}] page error`, error));
      await page.goto(`${server.url}/r/e2e-call?name=${person.name}&autojoin=1`);
      pages.set(person.name, page);
    }
  });

  afterAll(async () => {
    await Promise.all(browsers.map((b) => b.close()));
    await server?.stop();
  });

  it('shows each participant exactly the two others, decoding, at one of the camera’s simulcast layers, with the right picture', async () => {
    for (const person of PEOPLE) {
      const page = pages.get(person.name)!;
      const others = PEOPLE.filter((p) => p !== person);
      const first = await poll(`${person.name} to see two decoding tiles`, 60_000, async () => {
        const tiles = await readRemoteTiles(page);
        return tiles.length === 2 && tiles.every((t) => t.frames > 0 && t.width > 0) ? tiles : undefined;
      });
      expect(first.map((t) => t.name).sort()).toEqual(others.map((o) => o.name).sort());
      // Frames must keep coming: every tile decodes at least 10 more frames (the senders' effect pipelines may
      // still be measuring their back ends on two shared cores, so allow time).
      const later = await poll(`${person.name}'s tiles to keep decoding`, 60_000, async () => {
        const tiles = await readRemoteTiles(page);
        return tiles.length === 2 &&
          tiles.every((t) => t.frames >= (first.find((f) => f.name === t.name)?.frames ?? 0) + 10)
          ? tiles
          : undefined;
      });
      for (const tile of later) {
        const before = first.find((t) => t.name === tile.name)!;
        const camera = cameras.get(tile.name)!;
        expect(tile.frames, `${person.name} sees ${tile.name}'s frames advance`).toBeGreaterThan(
          before.frames,
        );
        // Simulcast: the receiver gets the camera at full, half or quarter size (which one follows the tile's
        // size and the sender's encoder, which drops its top layer when short of CPU: media-sdk.e2e checks the
        // choice; here any layer, never a size that is not one).
        const layers = Object.values(LAYER_SCALE).map((k) => [camera.width * k, camera.height * k]);
        expect(layers, `${tile.name}'s video size at ${person.name}`).toContainEqual([
          tile.width,
          tile.height,
        ]);
        const distances = [...cameras.entries()].map(([name, cam]) => ({
          name,
          d: thumbnailDistance(cam.reference, tile.thumbnail, 4),
        }));
        const own = distances.find((d) => d.name === tile.name)!.d;
        console.log(
          `${person.name} sees ${tile.name}: ${tile.width}x${tile.height} in a ${Math.round(tile.boxHeightPx)} px tile, distances ${distances.map((d) => `${d.name}=${d.d.toFixed(1)}`).join(' ')}`,
        );
        expect(
          own,
          `${tile.name}'s picture at ${person.name} (distances ${JSON.stringify(distances)})`,
        ).toBeLessThan(25);
        for (const other of distances) if (other.name !== tile.name) expect(own).toBeLessThan(other.d / 2);
      }
    }
  });

  it('drops the tile of someone who leaves within 5 s for everyone else', async () => {
    const leaving = PEOPLE[2].name;
    // The clock starts when they press Leave (dispatched in the page: playwright's click waits for actionability,
    // and closing the browser would time Chromium's shutdown).
    const started = Date.now();
    await pages
      .get(leaving)!
      .evaluate(() => document.querySelector<HTMLButtonElement>('[data-control="leave"]')!.click());
    for (const person of PEOPLE.slice(0, 2)) {
      await poll(`${person.name} to drop ${leaving}'s tile`, 5_000, async () => {
        const tiles = await readRemoteTiles(pages.get(person.name)!);
        return tiles.length === 1 && tiles[0]!.name !== leaving ? true : undefined;
      });
    }
    const elapsed = Date.now() - started;
    console.log(`${leaving}'s tile gone for both others after ${elapsed} ms (clicked at ${started})`);
  });

  it('also drops a participant whose browser simply goes away', async () => {
    // Alice and Bob remain; Bob's browser is closed without pressing Leave.
    await browsers[1]!.close();
    await poll("Alice to drop Bob's tile", 10_000, async () =>
      (await readRemoteTiles(pages.get('Alice')!)).length === 0 ? true : undefined,
    );
  });
});

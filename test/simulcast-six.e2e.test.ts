import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCamera } from './support/cameras.js';
import { type LaunchedBrowser, launchChromium } from './support/chromium.js';
import { poll } from './support/poll.js';
import { inboundVideo, joinAndPublish, openSdkPage } from './support/sdk-page.js';
import { startTestServer, type TestServer } from './support/server.js';

/** 960x540: three simulcast layers in Chromium (540, 270, 135 rows) at a cost six pages can bear here. */
const CAMERA = { width: 960, height: 540 };
const LOW_MAX_HEIGHT = CAMERA.height / 4;

/**
 * Six participants through the real server and Janus (P2P off), each with a 960x540 camera: first with
 * one camera layer (what main sent before simulcast), then with three layers and every receiver asking for
 * the low one, as small tiles do (app/src/video-layers.ts). Prints the video bitrate each receiver gets per
 * participant, and checks each receiver gets the low layer. Heavy: six pages encoding and decoding at once.
 */

const NAMES = ['Ann', 'Ben', 'Cho', 'Dev', 'Eva', 'Fay'] as const;
const WINDOW_MS = 10_000;

interface Received {
  receiver: string;
  from: string;
  kbps: number;
  frameWidth: number;
  frameHeight: number;
}

/** Who each received video is from, at this page (track id -> participant name). */
function senders(page: Page): Promise<Record<string, string>> {
  return page.evaluate(() => {
    const out: Record<string, string> = {};
    for (const p of window.room.participants.values()) if (p.videoTrack) out[p.videoTrack.id] = p.name;
    return out;
  });
}

/** Video bitrate per sender over WINDOW_MS at every page, with the frame size at the end. */
async function measure(pages: Map<string, Page>): Promise<Received[]> {
  const before = new Map<string, Awaited<ReturnType<typeof inboundVideo>>>();
  for (const [name, page] of pages) before.set(name, await inboundVideo(page));
  const started = Date.now();
  await new Promise((r) => setTimeout(r, WINDOW_MS));
  const rows: Received[] = [];
  for (const [name, page] of pages) {
    const after = await inboundVideo(page);
    const seconds = (Date.now() - started) / 1000;
    const who = await senders(page);
    for (const stat of after) {
      const from = who[stat.trackIdentifier];
      if (!from) continue; // an m-line with no camera (a share slot), or not shown
      const earlier = before.get(name)!.find((s) => s.mid === stat.mid)?.bytesReceived ?? 0;
      rows.push({
        receiver: name,
        from,
        kbps: Math.round(((stat.bytesReceived - earlier) * 8) / seconds / 1000),
        frameWidth: stat.frameWidth,
        frameHeight: stat.frameHeight,
      });
    }
  }
  return rows;
}

function report(label: string, rows: Received[]): number {
  const perReceiver = new Map<string, number>();
  for (const row of rows) perReceiver.set(row.receiver, (perReceiver.get(row.receiver) ?? 0) + row.kbps);
  console.log(`--- ${label}: video received, kbit/s per sender (frame size)`);
  for (const receiver of NAMES) {
    const own = rows.filter((r) => r.receiver === receiver);
    console.log(
      `${receiver}: total ${perReceiver.get(receiver) ?? 0} kbit/s; ` +
        own.map((r) => `${r.from} ${r.kbps} (${r.frameWidth}x${r.frameHeight})`).join(', '),
    );
  }
  const mean = rows.reduce((s, r) => s + r.kbps, 0) / Math.max(1, rows.length);
  console.log(`${label}: mean ${mean.toFixed(0)} kbit/s per received participant`);
  return mean;
}

describe('six participants: bitrate received per participant, one layer vs simulcast low layer', () => {
  let server: TestServer;
  let browser: LaunchedBrowser;

  beforeAll(async () => {
    server = await startTestServer({ P2P: 'off' });
    const camera = makeCamera('red', CAMERA.width, CAMERA.height);
    browser = await launchChromium({ fakeCamera: camera.file });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function run(simulcast: boolean): Promise<Received[]> {
    const pages = new Map<string, Page>();
    const room = `e2e-six-${simulcast ? 'simulcast' : 'single'}`;
    try {
      for (const name of NAMES) {
        const page = await openSdkPage(browser.context, server.url);
        await joinAndPublish(page, room, name, simulcast, CAMERA);
        pages.set(name, page);
      }
      for (const [name, page] of pages) {
        await poll(`${name} decoding the five others`, 240_000, async () => {
          const stats = await inboundVideo(page);
          const who = await senders(page);
          return stats.filter((s) => who[s.trackIdentifier] && s.framesDecoded > 0).length === 5
            ? true
            : undefined;
        });
      }
      if (simulcast) {
        // What the app asks for small tiles: the low layer of everyone.
        for (const page of pages.values())
          await page.evaluate(() =>
            window.room.setVideoLayers(
              [...window.room.participants.values()].map((p: { id: string }) => ({
                participantId: p.id,
                source: 'camera',
                layer: 'low',
              })),
            ),
          );
        for (const [name, page] of pages)
          await poll(`${name} getting the low layer of all five`, 60_000, async () => {
            const who = await senders(page);
            const cams = (await inboundVideo(page)).filter((s) => who[s.trackIdentifier]);
            return cams.length === 5 &&
              cams.every((s) => s.frameHeight > 0 && s.frameHeight <= LOW_MAX_HEIGHT)
              ? true
              : undefined;
          });
      }
      return await measure(pages);
    } finally {
      for (const page of pages.values()) await page.close().catch(() => undefined);
    }
  }

  it('each receiver gets the low layer of all five, at a fraction of the single-layer bitrate', async () => {
    const single = await run(false);
    const singleMean = report('one layer (before simulcast)', single);
    const low = await run(true);
    const lowMean = report('simulcast, low layer requested', low);
    expect(low).toHaveLength(NAMES.length * (NAMES.length - 1));
    for (const row of low) expect(row.frameHeight).toBeLessThanOrEqual(LOW_MAX_HEIGHT);
    // Less than one layer sends; how much less depends on the picture (this test camera compresses very well,
    // and single-layer senders short of CPU already drop to 480x270).
    expect(lowMean).toBeLessThan(singleMean);
  }, 600_000);
});

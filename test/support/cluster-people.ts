// Browsers in the cluster e2e tests (cluster.e2e, cascade.e2e): open the app as a named person with a coloured
// fake camera, optionally asking haproxy for a node on the first signalling socket, and check that a viewer sees
// everyone else's own picture with frames advancing.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { type FakeCamera, makeCamera, thumbnailDistance } from './cameras.js';
import { type LaunchedBrowser, launchChromium } from './chromium.js';
import { readRemoteFrames } from './ice-call.js';
import { poll } from './poll.js';

export interface Person {
  name: string;
  camera: FakeCamera;
  browser: LaunchedBrowser;
  page: Page;
}

/**
 * Opens `${url}/r/${room}` as `name` (autojoin); `node` set: its first signalling socket asks haproxy for that
 * node (`?node=`). Every signalling URL the page opens is recorded (`wsUrls`).
 */
export async function openPerson(
  url: string,
  room: string,
  name: string,
  colour: 'red' | 'blue' | 'violet',
  node?: string,
): Promise<Person> {
  const camera = makeCamera(colour, 320, 240);
  const browser = await launchChromium({ fakeCamera: camera.file });
  const page = await browser.context.newPage();
  page.on('pageerror', (error) => console.error(`[${name}] page error`, error));
  await page.addInitScript((hint) => {
    const Original = WebSocket;
    const urls: string[] = [];
    (window as unknown as { wsUrls: string[] }).wsUrls = urls;
    window.WebSocket = class extends Original {
      constructor(url: string | URL, protocols?: string | string[]) {
        const target = new URL(String(url));
        if (hint && urls.length === 0) target.searchParams.set('node', hint);
        urls.push(target.toString());
        super(target, protocols);
      }
    } as typeof WebSocket;
  }, node ?? '');
  await page.goto(`${url}/r/${room}?name=${name}&autojoin=1`);
  return { name, camera, browser, page };
}

/** The signalling URLs `person`'s page opened, in order. */
export const wsUrls = (person: Person) =>
  person.page.evaluate(() => (window as unknown as { wsUrls: string[] }).wsUrls);

/** Each of `others` has a tile on `page` whose frames advance over `sampleMs`; undefined if not (yet). */
export async function framesFlow(page: Page, others: readonly Person[], sampleMs = 400) {
  const before = await readRemoteFrames(page);
  await new Promise((r) => setTimeout(r, sampleMs));
  const after = await readRemoteFrames(page);
  for (const other of others) {
    const a = before.find((t) => t.name === other.name);
    const b = after.find((t) => t.name === other.name);
    if (!a || !b || b.frames <= a.frames) return undefined;
  }
  return after;
}

/** Each of `others`'s tile: its distance to that person's own picture, and to the nearest of `everyone` else's. */
function distances(
  tiles: Awaited<ReturnType<typeof readRemoteFrames>>,
  others: readonly Person[],
  everyone: readonly Person[],
) {
  return others.map((other) => {
    const tile = tiles.find((t) => t.name === other.name)!;
    const own = thumbnailDistance(other.camera.reference, tile.thumbnail, 4);
    const wrong = Math.min(
      ...everyone
        .filter((p) => p !== other)
        .map((p) => thumbnailDistance(p.camera.reference, tile.thumbnail, 4)),
    );
    return { name: other.name, own, wrong };
  });
}

/**
 * `viewer` shows every one of `others`, frames advancing, each with that person's own picture (polled: a tile's
 * first decoded frames can still be black while a keyframe is awaited). `tag` prefixes the printed distances.
 */
export async function expectSeesEveryone(
  tag: string,
  viewer: Person,
  others: readonly Person[],
  everyone: readonly Person[],
  timeoutMs = 60_000,
) {
  let last: ReturnType<typeof distances> = [];
  try {
    await poll(`${viewer.name} to see ${others.map((o) => o.name).join(', ')}`, timeoutMs, async () => {
      const tiles = await framesFlow(viewer.page, others);
      if (!tiles) return undefined;
      last = distances(tiles, others, everyone);
      return last.every((d) => d.own < 25 && d.own < d.wrong) ? last : undefined;
    });
  } catch (error) {
    if (last.length === 0) throw error;
  }
  for (const d of last) {
    console.log(
      `[${tag}] ${viewer.name} sees ${d.name}: distance ${d.own.toFixed(1)} (others ${d.wrong.toFixed(1)})`,
    );
    expect(d.own).toBeLessThan(25);
    expect(d.own).toBeLessThan(d.wrong);
  }
}

export function loadAverage(): string {
  return readFileSync('/proc/loadavg', 'utf8').trim();
}

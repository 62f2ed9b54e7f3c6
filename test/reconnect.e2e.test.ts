import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCamera } from './support/cameras.js';
import { type LaunchedBrowser, launchChromium } from './support/chromium.js';
import { poll } from './support/poll.js';
import { startTestServer, type TestServer } from './support/server.js';

/** Decoded frames of each remote tile of a page, by participant name. */
function remoteFrames(page: Page): Promise<Record<string, number>> {
  return page.evaluate(() =>
    Object.fromEntries(
      [...document.querySelectorAll<HTMLVideoElement>('video[data-participant-name]')].map((v) => [
        v.dataset.participantName ?? '',
        v.getVideoPlaybackQuality().totalVideoFrames,
      ]),
    ),
  );
}

interface Seen {
  state: string;
  /** Date.now() in the page when the pill changed (the same machine clock as the test's). */
  at: number;
}

/** Records every connection state the call's status pill shows, from now on, in `window.__states`. */
function recordStates(page: Page): Promise<void> {
  return page.evaluate(() => {
    const pill = document.querySelector<HTMLElement>('[data-connection]')!;
    const seen = () => ({ state: pill.dataset.connection ?? '', at: Date.now() });
    const states = [seen()];
    (window as unknown as { __states: Seen[] }).__states = states;
    new MutationObserver(() => states.push(seen())).observe(pill, {
      attributes: true,
      attributeFilter: ['data-connection'],
    });
  });
}

const seenStates = (page: Page) => page.evaluate(() => (window as unknown as { __states: Seen[] }).__states);
const states = async (page: Page) => (await seenStates(page)).map((s) => s.state);

/** Polls until `viewer` sees `name`'s tile decode `more` frames beyond what it showed at the first look. */
async function framesAdvance(viewer: Page, name: string, more: number, timeoutMs: number): Promise<void> {
  let base: number | undefined;
  await poll(`${name}'s video to advance`, timeoutMs, async () => {
    const frames = (await remoteFrames(viewer))[name];
    if (frames === undefined) {
      base = undefined; // the tile was replaced (a fresh join): count again on the new one
      return undefined;
    }
    base ??= frames;
    return frames >= base + more ? true : undefined;
  });
}

describe('the SDK reconnects a browser whose network went away and came back', () => {
  let server: TestServer;
  const browsers: LaunchedBrowser[] = [];
  const pages = new Map<string, Page>();

  beforeAll(async () => {
    // Resume on (test servers default to off): going offline must not read as a leave.
    server = await startTestServer({ RESUME_WINDOW_MS: '30000' });
    for (const [name, colour] of [
      ['Alice', 'red'],
      ['Bob', 'blue'],
    ] as const) {
      const browser = await launchChromium({ fakeCamera: makeCamera(colour).file });
      browsers.push(browser);
      const page = await browser.context.newPage();
      page.on('pageerror', (error) => console.error(`[${name}] page error`, error));
      // What the SDK says about its attempts (reconnect failures, ICE restarts) goes with the test's output.
      page.on('console', (message) => {
        if (message.type() === 'error' || message.type() === 'warning') {
          console.log(`[${name}] ${message.type()} ${message.text()}`);
        }
      });
      await page.goto(`${server.url}/r/e2e-reconnect?name=${name}&autojoin=1`);
      pages.set(name, page);
    }
  });

  afterAll(async () => {
    await Promise.all(browsers.map((b) => b.close()));
    await server?.stop();
  });

  it('offline then online: reconnecting, back to connected without a click, video both ways again', async () => {
    const alice = pages.get('Alice')!;
    const bob = pages.get('Bob')!;
    await framesAdvance(bob, 'Alice', 10, 90_000);
    await framesAdvance(alice, 'Bob', 10, 60_000);
    await recordStates(alice);
    const logFrom = server.logs.length;

    await browsers[0]!.context.setOffline(true);
    await new Promise((r) => setTimeout(r, 1_000));
    await browsers[0]!.context.setOffline(false);
    const online = Date.now();

    await poll('Alice to be connected again', 30_000, async () => {
      const seen = await states(alice);
      return seen.includes('reconnecting') && seen.at(-1) === 'connected' ? true : undefined;
    }).catch(async (error: unknown) => {
      console.log(`Alice's states: ${JSON.stringify(await seenStates(alice))}`);
      throw error;
    });
    const connectedMs = (await seenStates(alice)).at(-1)!.at - online;
    await framesAdvance(bob, 'Alice', 10, 30_000);
    const bobSeesAliceMs = Date.now() - online;
    await framesAdvance(alice, 'Bob', 10, 30_000);
    console.log(
      `online -> Alice connected ${connectedMs} ms, Bob sees Alice's video advance ${bobSeesAliceMs} ms; states ${JSON.stringify(await states(alice))}`,
    );
    // The server's side of the reconnect, for whoever reads the output (what took the time).
    for (const line of server.logs.slice(logFrom, logFrom + 40)) {
      const entry = JSON.parse(line) as { time?: number; msg?: string };
      console.log(`server +${(entry.time ?? online) - online} ms ${entry.msg}`);
    }
    expect(await states(alice)).not.toContain('disconnected');
    expect(await alice.evaluate(() => document.body.dataset.state)).toBe('in-call');
    expect(Object.keys(await remoteFrames(bob))).toEqual(['Alice']);
    // The same participant carried on: resumed, never removed and joined again.
    const messages = server.logs.slice(logFrom).map((line) => (JSON.parse(line) as { msg?: string }).msg);
    expect(messages).toContain('participant resumed');
    expect(messages).not.toContain('participant left');
  });
});

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCamera } from './support/cameras.js';
import { type LaunchedBrowser, launchChromium } from './support/chromium.js';
import { poll } from './support/poll.js';
import { startTestServer, type TestServer } from './support/server.js';

/**
 * Hosts and access (issue 11 item 6) with real browsers, the real server and Janus: a locked room holds a
 * newcomer until the host admits it, a denied one ends, and a removed participant is gone from everyone's
 * roster and cannot get back in by itself while the room is locked.
 */
const ROOM = 'e2e-hosts';
// Joins and media under load (2 cores, several helpers): generous where time is not the point.
const JOIN_MS = 90_000;

const pageState = (page: Page) => page.getAttribute('[data-page-state]', 'data-page-state');
const remoteNames = (page: Page) =>
  page.$$eval('video[data-participant-name]', (videos) =>
    videos.map((v) => (v as HTMLVideoElement).dataset.participantName ?? ''),
  );
async function waitForState(page: Page, state: string, what: string): Promise<void> {
  await poll(what, JOIN_MS, async () => ((await pageState(page)) === state ? true : undefined));
}
/** The host's participants panel, opened if closed. */
async function openPanel(page: Page): Promise<void> {
  const button = page.locator('[data-control="participants"]');
  if ((await button.getAttribute('aria-expanded')) !== 'true') await button.click();
}

describe('hosts and access with real browsers', () => {
  let server: TestServer;
  const browsers: LaunchedBrowser[] = [];
  const pages = new Map<string, Page>();
  const open = async (name: string, browser: LaunchedBrowser) => {
    const page = await browser.context.newPage();
    page.on('pageerror', (error) => console.error(`[${name}] page error`, error));
    await page.goto(`${server.url}/r/${ROOM}?name=${name}&autojoin=1`);
    pages.set(name, page);
    return page;
  };

  beforeAll(async () => {
    server = await startTestServer();
    for (const color of ['red', 'blue', 'violet'] as const)
      browsers.push(await launchChromium({ fakeCamera: makeCamera(color).file }));
  });
  afterAll(async () => {
    await Promise.all(browsers.map((b) => b.close()));
    await server?.stop();
  });

  it('holds a newcomer of a locked room until the host admits it; a denied one ends', async () => {
    const alice = await open('Alice', browsers[0]!);
    await waitForState(alice, 'in-call', 'Alice in the call');
    const bob = await open('Bob', browsers[1]!);
    await waitForState(bob, 'in-call', 'Bob in the call');
    await alice.locator('[data-control="lock"]').click();
    await poll('room locked', 10_000, async () =>
      (await alice.locator('[data-control="lock"]').getAttribute('aria-pressed')) === 'true'
        ? true
        : undefined,
    );

    const chandra = await open('Chandra', browsers[2]!);
    await waitForState(chandra, 'waiting', 'Chandra waiting');
    expect(await remoteNames(chandra)).toEqual([]);
    await openPanel(alice);
    const row = alice.locator('[data-participant-row="waiting"][data-participant-name="Chandra"]');
    await row.waitFor({ timeout: 30_000 });
    // Still waiting a moment later: nothing lets it in but the host.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await pageState(chandra)).toBe('waiting');
    await row.locator('[data-control="admit"]').click();
    await waitForState(chandra, 'in-call', 'Chandra admitted');
    await poll('Chandra sees Alice and Bob', JOIN_MS, async () => {
      const names = (await remoteNames(chandra)).sort();
      return names.join() === 'Alice,Bob' ? names : undefined;
    });

    const dan = await open('Dan', browsers[2]!);
    await waitForState(dan, 'waiting', 'Dan waiting');
    await alice
      .locator('[data-participant-row="waiting"][data-participant-name="Dan"] [data-control="deny"]')
      .click();
    await waitForState(dan, 'error', 'Dan turned away');
    expect(await dan.textContent('body')).toContain('did not let you in');
    await dan.close();
  });

  it('removes a participant: gone from every roster, and back only by waiting while the room is locked', async () => {
    const alice = pages.get('Alice')!;
    const bob = pages.get('Bob')!;
    const chandra = pages.get('Chandra')!;
    await openPanel(alice);
    await alice
      .locator('[data-participant-row="present"][data-participant-name="Bob"] [data-control="remove"]')
      .click();
    await waitForState(bob, 'error', 'Bob removed');
    expect(await bob.textContent('body')).toContain('removed you');
    for (const [name, page] of [
      ['Alice', alice],
      ['Chandra', chandra],
    ] as const) {
      await poll(`Bob gone from ${name}'s tiles`, 30_000, async () =>
        (await remoteNames(page)).includes('Bob') ? undefined : true,
      );
    }
    expect(await alice.locator('[data-participant-row="present"][data-participant-name="Bob"]').count()).toBe(
      0,
    );
    // Bob comes back by the same link: the room is locked, so he waits and is not in anyone's roster.
    await bob.goto(`${server.url}/r/${ROOM}?name=Bob&autojoin=1`);
    await waitForState(bob, 'waiting', 'Bob waits again');
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await remoteNames(alice)).not.toContain('Bob');
    await alice
      .locator('[data-participant-row="waiting"][data-participant-name="Bob"]')
      .waitFor({ timeout: 30_000 });
  });
});

// The room password through the app's UI, with the real server and Janus: a host sets it from the call
// (participants panel); a newcomer's lobby shows the password field with the server's reason, a wrong
// password is refused with clear text and a retry needs no reload, the right one gets in; the host clears it
// and the next newcomer walks in.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LaunchedBrowser, launchChromium } from './support/chromium.js';
import { startTestServer, type TestServer } from './support/server.js';

const ROOM = 'e2e-password';
const PASSWORD = 'correct horse';

describe('room password in the app', () => {
  let server: TestServer;
  let browser: LaunchedBrowser;

  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function open(name: string): Promise<Page> {
    const page = await browser.context.newPage();
    page.on('pageerror', (error) => console.error(`[${name}] page error`, error));
    await page.goto(`${server.url}/r/${ROOM}?name=${name}&autojoin=1`);
    return page;
  }

  it('asks a newcomer for the password, refuses a wrong one with clear text, lets the right one in', async () => {
    const host = await open('Hana');
    await host.waitForSelector('body[data-state="in-call"]', { timeout: 90_000 });
    await host.click('[data-control="participants"]');
    await host.fill('[data-room-password]', PASSWORD);
    await host.click('[data-control="set-password"]');
    await host.waitForSelector('[data-password-state="set"]', { timeout: 10_000 });

    const guest = await open('Gil');
    // The autojoin tried without a password: back in the lobby, with the field and the server's reason.
    const field = guest.locator('[data-password-input]');
    await field.waitFor({ timeout: 90_000 });
    expect(await guest.getAttribute('body', 'data-state')).toBe('lobby');
    expect(await guest.textContent('[data-password-error]')).toMatch(/has a password/);
    const navigations: string[] = [];
    guest.on('framenavigated', (frame) => {
      if (frame === guest.mainFrame()) navigations.push(frame.url());
    });

    await field.fill('wrong one');
    await guest.click('.lobby button[type="submit"]');
    await guest.waitForFunction(
      () => /not this meeting/.test(document.querySelector('[data-password-error]')?.textContent ?? ''),
      undefined,
      { timeout: 30_000 },
    );
    expect(await guest.getAttribute('body', 'data-state')).toBe('lobby');
    // The field is empty again (a refused password is not kept) and still there for the retry.
    expect(await guest.inputValue('[data-password-input]')).toBe('');

    await guest.fill('[data-password-input]', PASSWORD);
    await guest.click('.lobby button[type="submit"]');
    await guest.waitForSelector('body[data-state="in-call"]', { timeout: 60_000 });
    await host.waitForSelector('figure[data-tile][data-participant-name="Gil"]', { timeout: 60_000 });
    expect(navigations).toEqual([]);

    // Cleared by the host: the next newcomer joins with no field.
    await host.click('[data-control="clear-password"]');
    await host.waitForSelector('[data-password-state="none"]', { timeout: 10_000 });
    const late = await open('Lou');
    await late.waitForSelector('body[data-state="in-call"]', { timeout: 90_000 });
    expect(await late.locator('[data-password-input]').count()).toBe(0);
  }, 240_000);

  it('a participant who is not host has no password form', async () => {
    const page = browser.context.pages().find((p) => p.url().includes('name=Gil'))!;
    await page.click('[data-control="participants"]');
    expect(await page.locator('[data-room-password]').count()).toBe(0);
  });
});

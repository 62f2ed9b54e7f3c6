import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LaunchedBrowser, launchChromium } from './support/chromium.js';
import { poll } from './support/poll.js';
import { startTestServer, type TestServer } from './support/server.js';

const ROOM = 'e2e-meeting';
/** What the issue asks: a mute shows on the others' tiles within this. */
const MUTE_SHOWN_WITHIN_MS = 1000;

/** A tile of `name` on `page`. */
const tile = (page: Page, name: string) => page.locator(`[data-tile][data-participant-name="${name}"]`);

/**
 * Chat, mic state and raised hands through the real server and Janus, seen in the app's UI by the contract
 * scripts use (`data-control`, `data-chat-*`, tile attributes).
 */
describe('in-call features in the app', () => {
  let server: TestServer;
  const browsers: LaunchedBrowser[] = [];
  const pages = new Map<string, Page>();

  const open = async (name: string): Promise<Page> => {
    const browser = await launchChromium();
    browsers.push(browser);
    const page = await browser.context.newPage();
    page.on('pageerror', (error) => console.error(`[${name}] page error`, error));
    await page.goto(`${server.url}/r/${ROOM}?name=${name}&autojoin=1`);
    pages.set(name, page);
    return page;
  };

  const sendChat = async (page: Page, text: string) => {
    const input = page.locator('[data-chat-input]');
    if (!(await input.isVisible())) await page.locator('[data-control="chat"]').click();
    await input.fill(text);
    await input.press('Enter');
  };

  beforeAll(async () => {
    server = await startTestServer();
    await open('Ada');
    await open('Bo');
    for (const [name, page] of pages) {
      const other = name === 'Ada' ? 'Bo' : 'Ada';
      await tile(page, other).waitFor({ timeout: 90_000 });
    }
  });

  afterAll(async () => {
    await Promise.all(browsers.map((b) => b.close()));
    await server?.stop();
  });

  it('delivers a chat message to everyone as text, links clickable and safe, with an unread badge', async () => {
    const ada = pages.get('Ada')!;
    const bo = pages.get('Bo')!;
    const text = 'notes at https://example.org/notes?a=1 <img src=x onerror="window.__pwned=1">';
    await sendChat(ada, text);
    const message = bo.locator('[data-chat-message][data-from="Ada"]');
    await message.waitFor({ state: 'attached', timeout: 10_000 });
    expect(await message.locator('.chat-text').textContent()).toBe(text);
    expect(await message.locator('img').count()).toBe(0);
    const link = message.locator('a');
    expect(await link.count()).toBe(1);
    expect(await link.getAttribute('href')).toBe('https://example.org/notes?a=1');
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
    expect(await link.getAttribute('target')).toBe('_blank');
    // Bo's panel is closed: the chat button counts it.
    expect(await bo.locator('[data-control="chat"] .control-badge').textContent()).toBe('1');
    expect(await bo.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
  });

  it('gives a late joiner the history', async () => {
    await sendChat(pages.get('Bo')!, 'second message');
    const cy = await open('Cy');
    await cy.locator('[data-control="chat"]').click({ timeout: 90_000 });
    const messages = cy.locator('[data-chat-message]');
    await poll('the history on the late joiner', 30_000, async () =>
      (await messages.count()) === 2 ? true : undefined,
    );
    expect(await messages.evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.from))).toEqual([
      'Ada',
      'Bo',
    ]);
  });

  it(`shows a mute on the others' tiles within ${MUTE_SHOWN_WITHIN_MS} ms`, async () => {
    const ada = pages.get('Ada')!;
    const watchers = [...pages.entries()].filter(([name]) => name !== 'Ada');
    for (const [, page] of watchers) {
      await tile(page, 'Ada').waitFor({ timeout: 90_000 });
      // Record (wall clock, shared by every page on this machine) when Ada's tile turns muted.
      // Watch the whole document: a re-render may replace the tile element.
      await page.evaluate(() => {
        const w = window as { __mutedAt?: number };
        const check = () => {
          const el = document.querySelector('[data-tile][data-participant-name="Ada"]');
          if (el?.getAttribute('data-muted') === 'true') w.__mutedAt ??= Date.now();
        };
        new MutationObserver(check).observe(document.body, {
          subtree: true,
          childList: true,
          attributes: true,
          attributeFilter: ['data-muted'],
        });
      });
      expect(await tile(page, 'Ada').getAttribute('data-muted')).toBe('false');
    }
    const clickedAt = await ada.evaluate(() => {
      const at = Date.now();
      document.querySelector<HTMLElement>('[data-control="mic"]')!.click();
      return at;
    });
    for (const [name, page] of watchers) {
      const mutedAt = await poll(`${name} to see Ada muted`, 10_000, () =>
        page.evaluate(() => (window as { __mutedAt?: number }).__mutedAt),
      );
      console.log(`mute shown on ${name}'s tile ${mutedAt - clickedAt} ms after the click`);
      expect(mutedAt - clickedAt).toBeLessThan(MUTE_SHOWN_WITHIN_MS);
    }
  });

  it('shows raised hands to everyone, in raise order', async () => {
    await pages.get('Cy')!.locator('[data-control="hand"]').click();
    await pages.get('Bo')!.locator('[data-control="hand"]').click();
    const ada = pages.get('Ada')!;
    const dump = async () => {
      for (const n of ['Bo', 'Cy'])
        console.log(
          `${n}'s hand button:`,
          await pages.get(n)!.locator('[data-control="hand"]').textContent(),
        );
      const tiles = await ada
        .locator('[data-tile]')
        .evaluateAll((els) =>
          els.map((e) => [e.getAttribute('data-participant-name'), e.getAttribute('data-hand')]),
        );
      console.log("Ada's tiles (name, data-hand):", JSON.stringify(tiles));
    };
    const order = await poll('both hands on Ada', 30_000, async () => {
      const cy = await tile(ada, 'Cy').getAttribute('data-hand-order');
      const bo = await tile(ada, 'Bo').getAttribute('data-hand-order');
      return cy && bo ? { cy, bo } : undefined;
    }).catch(async (error) => {
      await dump();
      throw error;
    });
    expect(order).toEqual({ cy: '1', bo: '2' });
    expect(await tile(ada, 'Cy').getAttribute('data-hand')).toBe('true');
    await pages.get('Cy')!.locator('[data-control="hand"]').click();
    await poll('Cy lowered, Bo first', 30_000, async () =>
      (await tile(ada, 'Cy').getAttribute('data-hand')) === 'false' &&
      (await tile(ada, 'Bo').getAttribute('data-hand-order')) === '1'
        ? true
        : undefined,
    );
  });
});

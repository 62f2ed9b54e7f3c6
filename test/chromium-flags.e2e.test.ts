import { describe, expect, it } from 'vitest';
import { launchChromium } from './support/chromium.js';

/**
 * The test and benchmark browsers really run without the omnibox's WebUI popups (test/support/chromium.ts): a
 * fresh headless browser otherwise loads them in its first seconds, at ~1.4 CPU s, beside whatever is measured.
 */
describe('the test browsers', () => {
  it('load no omnibox popup page', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.context.newPage();
      await page.goto('about:blank');
      // The popups load within the first seconds of a launch (about 1 s here).
      await page.waitForTimeout(3000);
      const cdp = await browser.context.newCDPSession(page);
      const { targetInfos } = (await cdp.send('Target.getTargets')) as { targetInfos: { url: string }[] };
      const urls = targetInfos.map((t) => t.url);
      expect(urls).toContain('about:blank');
      expect(urls.filter((u) => u.startsWith('chrome://omnibox-popup'))).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});

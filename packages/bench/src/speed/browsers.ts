/**
 * The browsers the speed bench drives, behind one small page interface: Debian Chromium (playwright-core,
 * headless, the y4m as its fake camera) and Debian Firefox ESR (puppeteer-core over WebDriver BiDi, headful on
 * a private Xvfb with software GL, since headless Firefox has no WebGL here). Firefox's fake camera is
 * synthetic, so there the page paints the same frames on a canvas and captures it (see page/canvas-camera.ts).
 */
import { execFileSync } from 'node:child_process';
import { CHROMIUM_ARGS, CHROMIUM_PATH, launchChromium } from '../../../../test/support/chromium.js';
import { FIREFOX_PATH, launchFirefox } from '../../../../test/support/firefox.js';
import type { BrowserName } from './figures.js';

/** What the bench does with a page, the same in both drivers. */
export interface BenchPage {
  goto(url: string): Promise<void>;
  /** Resolves when `predicate` is true in the page. */
  waitFor(predicate: () => boolean): Promise<void>;
  evaluate<R, A>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>;
  /** Uncaught page errors so far. */
  errors(): string[];
}

export interface BenchBrowser {
  name: BrowserName;
  page: BenchPage;
  close(): Promise<void>;
}

/** How each browser is launched, for the printed and JSON conditions. */
export function browserConditions(name: BrowserName): { headless: boolean; flags: string[] } {
  if (name === 'chromium')
    return {
      headless: true,
      flags: [
        ...CHROMIUM_ARGS,
        '--use-fake-device-for-media-stream',
        '--use-fake-ui-for-media-stream',
        '--use-file-for-fake-video-capture=<y4m>',
      ],
    };
  return {
    headless: false,
    flags: [
      'Xvfb 1280x800x24',
      'LIBGL_ALWAYS_SOFTWARE=1',
      'media.navigator.streams.fake',
      'media.navigator.permission.disabled',
    ],
  };
}

/** The installed browser's version (e.g. 156.0.8078.114 or 153.8.0), or null. */
export function browserVersion(name: BrowserName): string | null {
  try {
    const text = execFileSync(name === 'chromium' ? CHROMIUM_PATH : FIREFOX_PATH, ['--version'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return /(\d+\.\d+(?:\.\d+)*)/.exec(text)?.[1] ?? null;
  } catch {
    return null;
  }
}

/** Launches `name` with a fresh profile and one page. `camera` (a y4m) is used by Chromium only. */
export async function launchBenchBrowser(name: BrowserName, camera: string): Promise<BenchBrowser> {
  if (name === 'chromium') {
    const browser = await launchChromium({ fakeCamera: camera });
    try {
      const page = await browser.context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      return {
        name,
        page: {
          goto: async (url) => {
            await page.goto(url);
          },
          waitFor: async (predicate) => {
            await page.waitForFunction(predicate);
          },
          evaluate: (fn, arg) => page.evaluate(fn as (a: unknown) => never, arg as never),
          errors: () => errors,
        },
        close: () => browser.close(),
      };
    } catch (error) {
      await browser.close();
      throw error;
    }
  }
  const firefox = await launchFirefox();
  try {
    const page = await firefox.browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    return {
      name,
      page: {
        goto: async (url) => {
          await page.goto(url);
        },
        waitFor: async (predicate) => {
          await page.waitForFunction(predicate, { timeout: 60_000 });
        },
        evaluate: (fn, arg) => page.evaluate(fn as (a: unknown) => never, arg as never),
        errors: () => errors,
      },
      close: () => firefox.close(),
    };
  } catch (error) {
    await firefox.close();
    throw error;
  }
}

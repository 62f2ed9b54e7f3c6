import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';

export const FIREFOX_PATH = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

/** Starts a private Xvfb server and resolves with its display (":N"); headless Firefox has no WebGL here. */
async function startXvfb(): Promise<{ display: string; process: ChildProcess }> {
  const xvfb = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1280x800x24', '-nolisten', 'tcp'], {
    stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
  });
  const display = await new Promise<string>((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error('Xvfb did not start')), 10_000);
    xvfb.stdio[3]!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('\n')) {
        clearTimeout(timer);
        resolve(`:${text.trim()}`);
      }
    });
    xvfb.once('exit', (code) => reject(new Error(`Xvfb exited with ${code}`)));
  });
  return { display, process: xvfb };
}

export interface LaunchedFirefox {
  browser: Browser;
  close(): Promise<void>;
}

/**
 * Launches Debian Firefox ESR headful on a private Xvfb display with software GL (WebGL2 via llvmpipe), a fake
 * camera and microphone, and no permission prompts. Driven by puppeteer-core over WebDriver BiDi.
 */
export async function launchFirefox(extraPrefs: Record<string, unknown> = {}): Promise<LaunchedFirefox> {
  const xvfb = await startXvfb();
  const profile = await mkdtemp(join(tmpdir(), 'backdrop-firefox-'));
  try {
    const browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: FIREFOX_PATH,
      headless: false,
      userDataDir: profile,
      env: {
        ...process.env,
        DISPLAY: xvfb.display,
        LIBGL_ALWAYS_SOFTWARE: '1',
        MOZ_CRASHREPORTER_DISABLE: '1',
      },
      extraPrefsFirefox: {
        'media.navigator.streams.fake': true,
        'media.navigator.permission.disabled': true,
        'media.autoplay.default': 0,
        'network.proxy.type': 0,
        'app.update.enabled': false,
        'browser.shell.checkDefaultBrowser': false,
        'datareporting.policy.dataSubmissionEnabled': false,
        'toolkit.telemetry.enabled': false,
        ...extraPrefs,
      },
    });
    return {
      browser,
      async close() {
        await browser.close().catch(() => undefined);
        xvfb.process.kill();
        await rm(profile, { recursive: true, force: true });
      },
    };
  } catch (error) {
    xvfb.process.kill();
    await rm(profile, { recursive: true, force: true });
    throw error;
  }
}

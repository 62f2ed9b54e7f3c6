import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags that keep Debian Chromium quiet on a machine with no internet and let WebRTC use 127.0.0.1. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--disable-default-apps',
  '--disable-domain-reliability',
  '--allow-loopback-in-peer-connection',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
  '--autoplay-policy=no-user-gesture-required',
  // Background tabs of several headless browsers on two cores must not be throttled.
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
];

export interface LaunchOptions {
  /** A y4m file used as the fake camera; omitted gives Chromium's synthetic pattern. */
  fakeCamera?: string;
  extraArgs?: string[];
  /** A named network namespace (`ip netns`) to run the browser in, through a wrapper script. */
  netns?: string;
}

export interface LaunchedBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Launches headless Debian Chromium with a fresh profile and a fake camera/microphone. */
export async function launchChromium(options: LaunchOptions = {}): Promise<LaunchedBrowser> {
  const profile = await mkdtemp(join(tmpdir(), 'backdrop-chromium-'));
  const args = [
    ...CHROMIUM_ARGS,
    '--use-fake-device-for-media-stream',
    '--use-fake-ui-for-media-stream',
    ...(options.fakeCamera ? [`--use-file-for-fake-video-capture=${options.fakeCamera}`] : []),
    ...(options.extraArgs ?? []),
  ];
  let executablePath = CHROMIUM_PATH;
  if (options.netns) {
    // Playwright's debugging pipe is inherited file descriptors, so it works across the namespace switch.
    executablePath = join(profile, 'chromium-in-netns.sh');
    await writeFile(
      executablePath,
      `#!/bin/sh\nexec ip netns exec '${options.netns}' '${CHROMIUM_PATH}' "$@"\n`,
      { mode: 0o755 },
    );
  }
  const context = await chromium
    .launchPersistentContext(profile, { executablePath, headless: true, args })
    .catch(async (error: unknown) => {
      await rm(profile, { recursive: true, force: true });
      throw error;
    });
  return {
    context,
    async close() {
      await context.close().catch(() => undefined);
      await rm(profile, { recursive: true, force: true });
    },
  };
}

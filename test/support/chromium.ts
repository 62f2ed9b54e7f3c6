import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Playwright's own `--disable-features` list (playwright-core 1.65.1, `chromiumSwitches`). Chromium keeps only the
 * last `--disable-features` of its command line, and Playwright puts its list before ours: ours must carry it, or
 * it silently drops all of it (it did until session 20). chromium.test.ts checks this list against the installed
 * playwright-core.
 */
export const PLAYWRIGHT_DISABLED_FEATURES = [
  'AvoidUnnecessaryBeforeUnloadCheckSync',
  'DestroyProfileOnBrowserClose',
  'HttpsUpgrades',
  'HttpsFirstBalancedModeAutoEnable',
  'LensOverlay',
  'MediaRouter',
  'PaintHolding',
  'ThirdPartyStoragePartitioning',
  'AvoidCorsURLLoaderRestartOnRedirect',
  'TcpPortRandomizationWin',
  'OptimizationHints',
  'NetworkTimeServiceQuerying',
  'AimEnabled',
  'PreconnectToSearch',
  'msForceBrowserSignIn',
  'msEdgeUpdateLaunchServicesPreferredVersion',
] as const;

/** Every feature the test and benchmark browsers run without: Playwright's, then ours. */
export const DISABLED_FEATURES = [
  ...PLAYWRIGHT_DISABLED_FEATURES,
  // Host candidates carry the namespace's address, not an mDNS name nobody in a test namespace resolves.
  'WebRtcHideLocalIpsWithMdns',
  // The omnibox's WebUI popups (chrome://omnibox-popup.top-chrome/, and its AI-mode page), which every fresh
  // headless browser loads in its first seconds: ~1.4 CPU s per launch on this 2-core machine, while a test or a
  // cold start benchmark runs. A headless browser never shows them.
  'WebUIOmniboxPopup',
  'WebUIOmniboxAimPopup',
] as const;

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
  `--disable-features=${DISABLED_FEATURES.join(',')}`,
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
  // A second feature switch would replace the first whole (see PLAYWRIGHT_DISABLED_FEATURES).
  const featureSwitch = options.extraArgs?.find((a) => /^--(en|dis)able-features=/.test(a));
  if (featureSwitch)
    throw new Error(
      `${featureSwitch}: a second feature switch replaces the first whole; merge it into chromium.ts (DISABLED_FEATURES)`,
    );
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

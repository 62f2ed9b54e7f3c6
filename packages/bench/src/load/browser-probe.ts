// One real headless Chromium in the room: it joins through the app like a user (fake camera) and reports the
// frames per second it decodes from the others' video.
import type { Page } from 'playwright-core';
import { type LaunchedBrowser, launchChromium } from '../../../../test/support/chromium.js';

/** Keeps every RTCPeerConnection the page makes, so the probe can read their stats. */
const RECORD_PEER_CONNECTIONS = `(() => {
  const Native = window.RTCPeerConnection;
  const all = [];
  window.__loadProbePcs = all;
  window.RTCPeerConnection = class extends Native {
    constructor(...args) { super(...args); all.push(this); }
  };
})();`;

/** framesDecoded per inbound video stream (by SSRC) over every PeerConnection of the page. */
async function framesByStream(page: Page): Promise<Record<string, number>> {
  return page.evaluate(async () => {
    const out: Record<string, number> = {};
    const pcs = (window as unknown as { __loadProbePcs: RTCPeerConnection[] }).__loadProbePcs;
    for (const [i, pc] of pcs.entries()) {
      if (pc.connectionState === 'closed') continue;
      for (const s of (await pc.getStats()).values()) {
        if (s.type === 'inbound-rtp' && s.kind === 'video') out[`${i}:${s.ssrc}`] = s.framesDecoded ?? 0;
      }
    }
    return out;
  });
}

export interface FpsReading {
  /** Mean decoded fps over the video streams that decoded anything in the window. */
  meanFps: number;
  /** The slowest stream's fps (an on-screen stream, one that had decoded before the window, that decoded nothing in it counts 0). */
  minFps: number;
  streams: number;
}

export class BrowserProbe {
  private constructor(
    private readonly browser: LaunchedBrowser,
    private readonly page: Page,
  ) {}

  /** Opens the room in a fresh browser and waits until `expectStreams` remote videos decode. */
  static async join(
    appUrl: string,
    room: string,
    expectStreams: number,
    timeoutMs: number,
  ): Promise<BrowserProbe> {
    const browser = await launchChromium();
    try {
      const page = await browser.context.newPage();
      await page.addInitScript(RECORD_PEER_CONNECTIONS);
      await page.goto(`${appUrl}/r/${room}?name=Probe&autojoin=1`);
      const probe = new BrowserProbe(browser, page);
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const decoding = Object.values(await framesByStream(page)).filter((f) => f > 0).length;
        // The app shows as many of the others with video as its window holds (last-N); the rest are in the
        // "+K" tile with their video off at the SFU, as for any user: those are not expected to decode.
        const offscreen = await page.locator('[data-offscreen]').count();
        const onScreen = Math.max(1, expectStreams - offscreen);
        if (decoding >= onScreen) break;
        if (Date.now() > deadline)
          throw new Error(
            `browser decodes ${decoding} of ${onScreen} videos on screen (${expectStreams} in the room) after ${timeoutMs} ms`,
          );
        await new Promise((r) => setTimeout(r, 250));
      }
      return probe;
    } catch (error) {
      await browser.close();
      throw error;
    }
  }

  /** Decoded fps per remote video over `ms`. */
  async measure(ms: number): Promise<FpsReading> {
    const before = await framesByStream(this.page);
    const started = performance.now();
    await new Promise((r) => setTimeout(r, ms));
    const after = await framesByStream(this.page);
    const seconds = (performance.now() - started) / 1000;
    // Streams that had decoded before the window: the ones on screen (off-screen video is paused at the SFU).
    const fps = Object.entries(after)
      .filter(([k]) => (before[k] ?? 0) > 0)
      .map(([k, n]) => (n - before[k]!) / seconds);
    const live = fps.filter((f) => f > 0);
    return {
      meanFps: live.length > 0 ? live.reduce((a, b) => a + b, 0) / live.length : 0,
      minFps: fps.length > 0 ? Math.min(...fps) : 0,
      streams: fps.length,
    };
  }

  async close(): Promise<void> {
    await this.browser.close();
  }
}

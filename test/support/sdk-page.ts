import { join } from 'node:path';
import { build } from 'esbuild';
import type { BrowserContext, Page } from 'playwright-core';
import { ROOT } from './server.js';

let bundle: Promise<string> | undefined;

/** The client SDK as one script defining `globalThis.BackdropSdk` (built once per test run, in memory). */
export function sdkBundle(): Promise<string> {
  bundle ??= build({
    entryPoints: [join(ROOT, 'packages/client/src/index.ts')],
    bundle: true,
    format: 'iife',
    globalName: 'BackdropSdk',
    write: false,
    target: 'chrome120',
  }).then((result) => `(() => { ${result.outputFiles[0]!.text}; globalThis.BackdropSdk = BackdropSdk; })()`);
  return bundle;
}

/**
 * A page on the server's origin (a secure context: loopback) that loads no app, only the SDK, so six of them
 * stay light on a loaded machine; every RTCPeerConnection it makes is kept for getStats.
 */
export async function openSdkPage(context: BrowserContext, serverUrl: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${serverUrl}/healthz`, { waitUntil: 'commit', timeout: 120_000 });
  await loadSdk(page);
  await trackPeerConnections(page);
  return page;
}

/**
 * Loads the SDK into `page` (opened on the server's origin, a secure context) so a test drives a Room
 * directly: `window.BackdropSdk.Room`. Evaluated through DevTools, so the app's CSP does not apply.
 */
export async function loadSdk(page: Page): Promise<void> {
  await page.evaluate(await sdkBundle());
}

declare global {
  interface Window {
    // biome-ignore lint/suspicious/noExplicitAny: the test's handle on the page's Room
    room: any;
  }
}

export interface VideoStat {
  mid: string;
  frameWidth: number;
  frameHeight: number;
  framesDecoded: number;
  bytesReceived: number;
  /** The receiving track's id: who it is, through RemoteParticipant.videoTrack. */
  trackIdentifier: string;
}

/**
 * Joins `room` as `name` through the SDK and publishes the fake camera (asked for at `size`) and microphone;
 * `simulcast` false publishes one camera layer.
 */
export async function joinAndPublish(
  page: Page,
  room: string,
  name: string,
  simulcast = true,
  size = { width: 1280, height: 720 },
): Promise<void> {
  await page.evaluate(
    async ([room, name, simulcast, size]) => {
      const sdk = (globalThis as unknown as { BackdropSdk: { Room: new (o: object) => unknown } })
        .BackdropSdk;
      const r = new sdk.Room({
        signalingUrl: `${location.origin.replace('http', 'ws')}/ws`,
        simulcast,
      }) as Window['room'];
      window.room = r;
      await r.join(room, name);
      const stream = await navigator.mediaDevices.getUserMedia({
        audio: true,
        video: size,
      });
      await r.publish(stream.getTracks());
    },
    [room, name, simulcast, size] as const,
  );
}

/** The page's received videos (mid, frame size, frames, bytes), from getStats of every PeerConnection it made. */
export function inboundVideo(page: Page): Promise<VideoStat[]> {
  return page.evaluate(async () => {
    const pcs: RTCPeerConnection[] = (window as unknown as { pcs: RTCPeerConnection[] }).pcs;
    const out: VideoStat[] = [];
    for (const pc of pcs) {
      const stats = await pc.getStats();
      stats.forEach((s) => {
        if (s.type === 'inbound-rtp' && s.kind === 'video')
          out.push({
            mid: s.mid,
            frameWidth: s.frameWidth ?? 0,
            frameHeight: s.frameHeight ?? 0,
            framesDecoded: s.framesDecoded ?? 0,
            bytesReceived: s.bytesReceived ?? 0,
            trackIdentifier: s.trackIdentifier ?? '',
          });
      });
    }
    return out;
  });
}

/** Keeps every RTCPeerConnection the page makes, so a test can read its stats. */
export async function trackPeerConnections(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { pcs: RTCPeerConnection[] };
    w.pcs = [];
    const Original = RTCPeerConnection;
    window.RTCPeerConnection = class extends Original {
      constructor(config?: RTCConfiguration) {
        super(config);
        w.pcs.push(this);
      }
    } as typeof RTCPeerConnection;
  });
}

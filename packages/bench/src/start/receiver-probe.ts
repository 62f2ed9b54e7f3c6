// In-page probe for the receivers of the start benchmark: for every remote tile, the first frame whose top
// corners show the key colour, i.e. the sender's background is removed. Each frame the page presents is
// checked (requestVideoFrameCallback), and its own times are kept: when its last packet arrived and when it was
// presented. Where requestVideoFrameCallback is missing, the tiles are sampled on a timer instead.
import type { Page } from 'playwright-core';

/** When a receiver first showed `name`'s key: epoch ms (Date.now(), the clock Node shares). */
export interface KeySeen {
  /** When the probe saw it (in the frame's callback, or the timer's sample). */
  at: number;
  /** When the page presented that frame (the frame callback's presentationTime); null from the timer. */
  presented: number | null;
  /** When the last packet of that frame arrived (receiveTime, remote WebRTC frames); null if not given. */
  received: number | null;
}

type Probed = { __startKeySeen: Record<string, KeySeen>; __startProbe?: number; __startProbeRun?: number };

/** Starts checking every tile's frames; idempotent per page load (a second call restarts the probe). */
export async function watchForKey(
  page: Page,
  key: readonly [number, number, number],
  everyMs = 40,
): Promise<void> {
  await page.evaluate(
    ([k, every]) => {
      const w = window as unknown as Probed;
      w.__startKeySeen = {};
      clearInterval(w.__startProbe);
      const run = (w.__startProbeRun ?? 0) + 1;
      w.__startProbeRun = run;
      const canvas = document.createElement('canvas');
      canvas.width = 64;
      canvas.height = 48;
      const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
      const s = 8; // 12% of the width: the wall and flag behind the astronaut
      const near = (x0: number) => {
        const d = ctx.getImageData(x0, 0, s, s).data;
        const mean = [0, 0, 0];
        for (let i = 0; i < d.length; i += 4) for (let c = 0; c < 3; c++) mean[c]! += d[i + c]! / (s * s);
        return mean.every((v, c) => Math.abs(v - k[c]!) < 64);
      };
      const epoch = (t: number | undefined) => (t === undefined ? null : performance.timeOrigin + t);
      const check = (video: HTMLVideoElement, frame: VideoFrameCallbackMetadata | null) => {
        const name = video.dataset.participantName ?? '';
        if (name in w.__startKeySeen || video.videoWidth === 0) return;
        ctx.drawImage(video, 0, 0, 64, 48);
        if (!near(0) || !near(64 - s)) return;
        w.__startKeySeen[name] = {
          at: Date.now(),
          presented: epoch(frame?.presentationTime),
          received: epoch(frame?.receiveTime),
        };
      };
      const perFrame = typeof HTMLVideoElement.prototype.requestVideoFrameCallback === 'function';
      const watched = new WeakSet<HTMLVideoElement>();
      const follow = (video: HTMLVideoElement) => {
        const onFrame = (_now: number, frame: VideoFrameCallbackMetadata) => {
          if (w.__startProbeRun !== run || !video.isConnected) return;
          check(video, frame);
          video.requestVideoFrameCallback(onFrame);
        };
        video.requestVideoFrameCallback(onFrame);
      };
      // The timer finds new tiles (a sender that joins gets a new <video>), or samples them without frame callbacks.
      w.__startProbe = window.setInterval(() => {
        for (const video of document.querySelectorAll<HTMLVideoElement>('video[data-participant-name]')) {
          if (!perFrame) check(video, null);
          else if (!watched.has(video)) {
            watched.add(video);
            follow(video);
          }
        }
      }, every);
    },
    [key, everyMs] as const,
  );
}

/** When `name`'s tile first showed the key colour at this receiver, or null. */
export function keySeenAt(page: Page, name: string): Promise<KeySeen | null> {
  return page.evaluate((n) => (window as unknown as Probed).__startKeySeen?.[n] ?? null, name);
}

/** Forgets that `name`'s tile showed the key (to time a second start); it is recorded again when it does. */
export function forgetKey(page: Page, name: string): Promise<void> {
  return page.evaluate((n) => {
    delete (window as unknown as Probed).__startKeySeen[n];
  }, name);
}

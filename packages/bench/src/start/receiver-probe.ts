// In-page probe for the receivers of the start benchmark: for every remote tile, the first time (Date.now(),
// the clock Node shares) its top corners show the key colour, i.e. the sender's background is removed.
import type { Page } from 'playwright-core';

type Probed = { __startKeySeen: Record<string, number>; __startProbe?: number };

/** Starts sampling every tile every `everyMs`; idempotent per page load. */
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
      w.__startProbe = window.setInterval(() => {
        for (const video of document.querySelectorAll<HTMLVideoElement>('video[data-participant-name]')) {
          const name = video.dataset.participantName ?? '';
          if (name in w.__startKeySeen || video.videoWidth === 0) continue;
          ctx.drawImage(video, 0, 0, 64, 48);
          if (near(0) && near(64 - s)) w.__startKeySeen[name] = Date.now();
        }
      }, every);
    },
    [key, everyMs] as const,
  );
}

/** When `name`'s tile first showed the key colour at this receiver (Date.now() ms), or null. */
export function keySeenAt(page: Page, name: string): Promise<number | null> {
  return page.evaluate((n) => (window as unknown as Probed).__startKeySeen?.[n] ?? null, name);
}

/** Forgets that `name`'s tile showed the key (to time a second start); it is recorded again when it does. */
export function forgetKey(page: Page, name: string): Promise<void> {
  return page.evaluate((n) => {
    delete (window as unknown as Probed).__startKeySeen[n];
  }, name);
}

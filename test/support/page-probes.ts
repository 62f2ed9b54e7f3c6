// In-page recorders for tests and benchmarks that watch a call from outside the app: every signalling message
// a page receives, and a steady sample of one remote tile's decoded frames. Both are installed before
// navigation (addInitScript) and read back with page.evaluate; times are Date.now(), the clock Node shares.
import type { Page } from 'playwright-core';

export interface SignalEntry {
  at: number;
  /** A server message type, or `socket-open` / `socket-close` for the page's own WebSockets. */
  type: string;
  participantId?: string;
  code?: number;
}

export interface TileSample {
  at: number;
  /** Decoded frames of the tile, 0 when it is absent. */
  frames: number;
  present: boolean;
}

type Probed = {
  __backdropSignals: SignalEntry[];
  __backdropTileSamples: TileSample[];
  __backdropTileTimer?: number;
};

/**
 * Functions handed to the page are serialized from their transpiled form; under tsx (esbuild with keepNames) a
 * function bound to a name gets a call to esbuild's `__name` helper, which the page lacks. An identity `__name`
 * makes such scripts run the same under tsx (benchmarks) and vitest (tests). Idempotent.
 */
export async function defineTranspilerHelpers(page: Page): Promise<void> {
  await page.addInitScript({ content: 'globalThis.__name ??= (target) => target;' });
}

/** Records every message received on every WebSocket the page opens. Call before navigating. */
export async function recordSignalling(page: Page): Promise<void> {
  await defineTranspilerHelpers(page);
  await page.addInitScript(() => {
    const Native = window.WebSocket;
    const log: SignalEntry[] = [];
    (window as unknown as Probed).__backdropSignals = log;
    window.WebSocket = class extends Native {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols);
        this.addEventListener('open', () => log.push({ at: Date.now(), type: 'socket-open' }));
        this.addEventListener('close', (e) =>
          log.push({ at: Date.now(), type: 'socket-close', code: e.code }),
        );
        this.addEventListener('message', (e) => {
          try {
            const m = JSON.parse(String(e.data)) as { type?: unknown; participantId?: unknown };
            log.push({
              at: Date.now(),
              type: String(m.type),
              ...(typeof m.participantId === 'string' ? { participantId: m.participantId } : {}),
            });
          } catch {
            log.push({ at: Date.now(), type: 'unparsable' });
          }
        });
      }
    };
  });
}

export function signalLog(page: Page): Promise<SignalEntry[]> {
  return page.evaluate(() => (window as unknown as Probed).__backdropSignals);
}

/**
 * Samples the decoded frame count of `name`'s remote tile every `everyMs` in the page (no round trip through
 * the test per sample, so a loaded machine delays samples, not their timestamps). Call after navigating.
 */
export async function sampleTile(page: Page, name: string, everyMs = 50): Promise<void> {
  await page.evaluate(
    ([who, every]) => {
      const w = window as unknown as Probed;
      const samples: TileSample[] = [];
      w.__backdropTileSamples = samples;
      clearInterval(w.__backdropTileTimer);
      w.__backdropTileTimer = window.setInterval(() => {
        const video = [...document.querySelectorAll<HTMLVideoElement>('video[data-participant-name]')].find(
          (v) => v.dataset.participantName === who,
        );
        samples.push({
          at: Date.now(),
          frames: video ? video.getVideoPlaybackQuality().totalVideoFrames : 0,
          present: video !== undefined,
        });
      }, every);
    },
    [name, everyMs] as const,
  );
}

/** Samples taken since `since` (Date.now() ms). */
export function tileSamples(page: Page, since = 0): Promise<TileSample[]> {
  return page.evaluate(
    (from) => (window as unknown as Probed).__backdropTileSamples?.filter((s) => s.at >= from) ?? [],
    since,
  );
}

/**
 * A first visit, in a page: the browser would ask the user for the camera and microphone, so the Permissions API
 * says `prompt` and the app asks for both in one request (one prompt). Chromium's fake media UI grants every
 * request at once and reports both as `granted` even in a fresh profile, which is a returning visitor's state.
 */
export function firstVisitPermissions(): void {
  const permissions = navigator.permissions;
  const query = permissions.query.bind(permissions);
  permissions.query = (descriptor) =>
    descriptor.name === 'camera' || descriptor.name === ('microphone' as PermissionName)
      ? Promise.resolve({
          name: descriptor.name,
          state: 'prompt',
          onchange: null,
        } as unknown as PermissionStatus)
      : query(descriptor);
}

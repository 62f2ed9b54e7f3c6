// Only the tiles on screen (issue 11 item 7): five people through the real server and Janus, each page showing
// at most two of the others with video (`?tiles=2`). The receiver gets video bytes only for the two on screen
// and audio from all four; a pinned, then a speaking, off-screen participant comes on screen and their video
// flows within seconds.
import { writeFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCamera } from './support/cameras.js';
import { type LaunchedBrowser, launchChromium } from './support/chromium.js';
import { poll } from './support/poll.js';
import { startTestServer, type TestServer } from './support/server.js';

const ROOM = 'e2e-last-n';
const NAMES = ['Ann', 'Ben', 'Cho', 'Dev'] as const;
const RECEIVER = 'Rae';
const SLOTS = 2;
const WINDOW_MS = 4000;
/** Below this an off-screen video counts as not sent (a keyframe request or stray packet, not a stream). */
const OFF_KBPS = 2;
/**
 * Above this an on-screen video counts as flowing: Chromium's synthetic camera compresses to very little, and
 * on two loaded cores its encoder drops frames (25 kbit/s seen at load 21, 100-600 when idle).
 */
const ON_KBPS = 10;

interface Bytes {
  video: Record<string, number>;
  audio: Record<string, number>;
}

/** Collects the page's PeerConnections, so the test can read their stats. Call before navigating. */
async function recordPeerConnections(page: Page): Promise<void> {
  await page.addInitScript({ content: 'globalThis.__name ??= (target) => target;' });
  await page.addInitScript(() => {
    const Native = window.RTCPeerConnection;
    const made: RTCPeerConnection[] = [];
    (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs = made;
    window.RTCPeerConnection = class extends Native {
      constructor(config?: RTCConfiguration) {
        super(config);
        made.push(this);
      }
    };
  });
}

/** Bytes received so far per participant name, video and audio, from every PeerConnection's inbound-rtp. */
function bytesByName(page: Page): Promise<Bytes> {
  return page.evaluate(async () => {
    const names = new Map<string, string>();
    for (const el of document.querySelectorAll<HTMLMediaElement>(
      'video[data-participant-name], audio[data-participant-name]',
    )) {
      const stream = el.srcObject as MediaStream | null;
      for (const track of stream?.getTracks() ?? []) names.set(track.id, el.dataset.participantName ?? '');
    }
    const out = { video: {} as Record<string, number>, audio: {} as Record<string, number> };
    for (const pc of (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs) {
      if (pc.connectionState === 'closed') continue;
      const stats = await pc.getStats();
      for (const s of stats.values()) {
        if (s.type !== 'inbound-rtp') continue;
        const name = names.get(s.trackIdentifier);
        if (!name) continue;
        const kind = s.kind === 'audio' ? 'audio' : 'video';
        out[kind][name] = (out[kind][name] ?? 0) + (s.bytesReceived ?? 0);
      }
    }
    return out;
  });
}

/** Who has a video tile and who is in the "+K" tile at this page. */
function onScreen(page: Page): Promise<{ shown: string[]; hidden: string[] }> {
  return page.evaluate(() => ({
    shown: [...document.querySelectorAll<HTMLElement>('figure[data-tile][data-participant-id]')]
      .filter((t) => t.dataset.source === 'camera')
      .map((t) => t.dataset.participantName ?? ''),
    hidden: [...document.querySelectorAll<HTMLElement>('[data-offscreen]')].map(
      (t) => t.dataset.participantName ?? '',
    ),
  }));
}

function kbps(before: Record<string, number>, after: Record<string, number>, ms: number) {
  const out: Record<string, number> = {};
  for (const name of NAMES) out[name] = Math.round((((after[name] ?? 0) - (before[name] ?? 0)) * 8) / ms);
  return out;
}

async function rates(page: Page, ms = WINDOW_MS) {
  const before = await bytesByName(page);
  const started = Date.now();
  await new Promise((r) => setTimeout(r, ms));
  const after = await bytesByName(page);
  const elapsed = Date.now() - started;
  const audioBytes: Record<string, number> = {};
  for (const name of NAMES) audioBytes[name] = (after.audio[name] ?? 0) - (before.audio[name] ?? 0);
  // Audio as bytes: a muted microphone sends Opus silence, a few bytes a packet (under 1 kbit/s).
  return { video: kbps(before.video, after.video, elapsed), audio: audioBytes };
}

/**
 * Watches `name` at `page` every 100 ms from now: when they are marked speaking, when they have a video tile,
 * and when their video flows (bytes growing by more than ON_KBPS over the last 500 ms). Resolves with the
 * times (ms after the start) once the video flows.
 */
function watchComingOn(page: Page, name: string, timeoutMs: number) {
  return page.evaluate(
    async ({ name, timeoutMs, onKbps }) => {
      const pcs = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs;
      const start = performance.now();
      const out: { speakingMs?: number; tileMs?: number; flowingMs?: number; trace: string[] } = {
        trace: [],
      };
      const history: { t: number; bytes: number }[] = [];
      while (performance.now() - start < timeoutMs) {
        const t = performance.now() - start;
        const li = document.querySelector<HTMLElement>(`[data-offscreen][data-participant-name="${name}"]`);
        const tile = document.querySelector<HTMLElement>(
          `figure[data-tile][data-participant-name="${name}"]`,
        );
        if (out.speakingMs === undefined && (li ?? tile)?.dataset.speaking === 'true')
          out.speakingMs = Math.round(t);
        if (out.tileMs === undefined && tile) out.tileMs = Math.round(t);
        const ids = new Set(
          [...document.querySelectorAll<HTMLMediaElement>(`[data-participant-name="${name}"]`)].flatMap(
            (el) =>
              ((el as HTMLMediaElement).srcObject as MediaStream | null)
                ?.getVideoTracks()
                .map((tr) => tr.id) ?? [],
          ),
        );
        let bytes = 0;
        for (const pc of pcs) {
          if (pc.connectionState === 'closed') continue;
          for (const st of (await pc.getStats()).values())
            if (st.type === 'inbound-rtp' && ids.has(st.trackIdentifier)) bytes += st.bytesReceived ?? 0;
        }
        history.push({ t, bytes });
        out.trace.push(`${Math.round(t)}:${tile ? 'tile' : li ? 'li' : '-'}:${bytes}`);
        const earlier = history.find((h) => h.t >= t - 500);
        if (out.tileMs !== undefined && earlier && t - earlier.t >= 300) {
          const kbps = ((bytes - earlier.bytes) * 8) / (t - earlier.t);
          if (kbps > onKbps) {
            out.flowingMs = Math.round(t);
            return out;
          }
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      return out;
    },
    { name, timeoutMs, onKbps: ON_KBPS },
  );
}

describe('only the tiles on screen get video', () => {
  let server: TestServer;
  let browser: LaunchedBrowser;
  const pages = new Map<string, Page>();
  let failed = false;

  beforeAll(async () => {
    server = await startTestServer({ P2P: 'off', LOG_LEVEL: 'debug' });
    // A small camera: five pages encoding and decoding on two shared cores must keep up, or their sockets
    // starve and they rejoin mid-test.
    browser = await launchChromium({ fakeCamera: makeCamera('red', 320, 180).file });
    for (const name of [...NAMES, RECEIVER]) {
      const page = await browser.context.newPage();
      page.on('pageerror', (error) => console.error(`[${name}] page error`, error));
      await recordPeerConnections(page);
      await page.goto(`${server.url}/r/${ROOM}?name=${name}&autojoin=1&tiles=${SLOTS}`);
      pages.set(name, page);
    }
    // Everyone quiet (the fake microphone beeps, which would make everyone a speaker): muted mics still send
    // Opus silence, so their audio keeps flowing.
    for (const [name, page] of pages) {
      const mic = page.locator('[data-control="mic"][aria-pressed="true"]');
      await mic.waitFor({ timeout: 90_000 }).catch(() => {
        throw new Error(`${name}: no mic button`);
      });
      await mic.click();
    }
  }, 180_000);

  afterAll(async () => {
    // A post-mortem of a failed run: the server's whole log (debug), for the subscription changes and socket losses.
    if (failed && process.env.LAST_N_LOG) writeFileSync(process.env.LAST_N_LOG, server.logs.join('\n'));
    await browser?.close();
    await server?.stop();
  });

  it('sends the receiver video only for the two on screen, audio from all four; a pinned or speaking one comes on', async () => {
    try {
      await onlyOnScreen();
    } catch (error) {
      failed = true;
      throw error;
    }
  }, 240_000);

  async function onlyOnScreen(): Promise<void> {
    const rae = pages.get(RECEIVER)!;
    await poll('Rae showing two with video and two off screen', 90_000, async () => {
      const now = await onScreen(rae);
      return now.shown.length === SLOTS && now.hidden.length === NAMES.length - SLOTS ? now : undefined;
    });
    // Every stream received and the layer requests applied (debounced 250 ms) before measuring.
    await poll('audio from all four at Rae', 60_000, async () => {
      const r = await rates(rae, 1000);
      return NAMES.every((n) => r.audio[n]! > 0) ? true : undefined;
    });
    await new Promise((r) => setTimeout(r, 1500));
    // A window in which nobody came on or went off screen (a late speaker or a rejoin moves tiles).
    const { still, steady } = await poll('a steady measuring window', 60_000, async () => {
      const before = await onScreen(rae);
      const steady = await rates(rae);
      const still = await onScreen(rae);
      return before.shown.join() === still.shown.join() && still.shown.length === SLOTS
        ? { still, steady }
        : undefined;
    });
    console.log(
      `on screen ${still.shown.join(', ')}; off ${still.hidden.join(', ')}; video kbit/s ${JSON.stringify(steady.video)}; audio bytes ${JSON.stringify(steady.audio)}`,
    );
    for (const name of still.shown) expect(steady.video[name]).toBeGreaterThan(ON_KBPS);
    for (const name of still.hidden) expect(steady.video[name]).toBeLessThan(OFF_KBPS);
    for (const name of NAMES) expect(steady.audio[name]).toBeGreaterThan(0);

    // Pinned from the "+K" tile: on screen at once, video within seconds.
    const pinned = still.hidden[0]!;
    const pinWatch = watchComingOn(rae, pinned, 20_000);
    await rae.click(`[data-offscreen][data-participant-name="${pinned}"] [data-control="pin"]`);
    const pin = await pinWatch;
    console.log(
      `pin pressed -> ${pinned} on screen at Rae in ${pin.tileMs} ms, video flowing in ${pin.flowingMs} ms`,
    );
    if (pin.flowingMs === undefined) console.log(pin.trace.join(' '));
    expect(pin.flowingMs).toBeDefined();
    expect(await rae.getAttribute(`figure[data-participant-name="${pinned}"]`, 'data-pinned')).toBe('true');
    expect((await onScreen(rae)).shown).toHaveLength(SLOTS);

    // An off-screen participant starts talking: they take the place of the least recent speaker on screen.
    await rae.click(`figure[data-participant-name="${pinned}"] [data-control="pin"]`);
    // Unpinned, the order is the speaking order again; let it settle before choosing who talks.
    await new Promise((r) => setTimeout(r, 1000));
    const talker = (await onScreen(rae)).hidden[0]!;
    const talkWatch = watchComingOn(rae, talker, 30_000);
    await pages.get(talker)!.click('[data-control="mic"]');
    const talk = await talkWatch;
    console.log(
      `${talker} unmuted -> marked speaking at Rae in ${talk.speakingMs} ms, on screen in ${talk.tileMs} ms, video flowing in ${talk.flowingMs} ms`,
    );
    if (talk.flowingMs === undefined) console.log(talk.trace.join(' '));
    expect(talk.flowingMs).toBeDefined();
    const after = await rates(rae, 3000);
    const final = await onScreen(rae);
    console.log(`after: on screen ${final.shown.join(', ')}; video kbit/s ${JSON.stringify(after.video)}`);
    expect(final.shown).toContain(talker);
    expect(final.shown).toHaveLength(SLOTS);
    for (const name of final.hidden) expect(after.video[name]).toBeLessThan(OFF_KBPS);
    // Coming on screen is a layer request and a keyframe, not a renegotiation: about 2 s is the promise (1.4 s
    // and 0.5 s seen at load 18), with half again for load. Speaking detection (Janus's audio level over
    // 25 packets, then our event) comes before it and is not ours to bound here.
    expect(pin.flowingMs!).toBeLessThan(3000);
    const heard = Math.min(talk.speakingMs ?? talk.tileMs!, talk.tileMs!);
    expect(talk.flowingMs! - heard).toBeLessThan(3000);
  }
});

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCamera } from './support/cameras.js';
import { type LaunchedBrowser, launchChromium } from './support/chromium.js';
import { poll } from './support/poll.js';
import { startTestServer, type TestServer } from './support/server.js';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.js';

/**
 * A lost signalling socket in a real three-person call (real server and Janus): Alice's browser reaches the
 * server through a TCP proxy that the test cuts (RST both ways: 1006 for her, a lost socket for the server).
 * Her media does not go through the proxy, so only signalling breaks.
 */

/**
 * Short, so the fresh-join fallback does not take long, yet long enough for a resume on a loaded two-core
 * machine (with 3 s, one resume in 15 arrived after the window at load average 30+).
 */
const RESUME_WINDOW_MS = 10_000;
const RESUME_CUTS = 5;
const PEOPLE = [
  { name: 'Alice', camera: 'red' },
  { name: 'Bob', camera: 'blue' },
  { name: 'Chandra', camera: 'violet' },
] as const;
const [CUT, ...OTHERS] = PEOPLE;

interface Seen {
  t: number;
  /** The call root's data-connection (`reconnecting` while the own bar shows). */
  root: string | undefined;
  /** Alice's tile: its data-connection, or `gone`; and its participant id. */
  alice: string;
  aliceId: string | undefined;
  tiles: number;
  state: string | undefined;
}

/** Starts recording in the page every change of the call root, Alice's tile and the tile count. */
function record(page: Page): Promise<void> {
  return page.evaluate((name) => {
    const log: Seen[] = [];
    (window as unknown as { seen: Seen[] }).seen = log;
    const key = (s: Seen) => `${s.root} ${s.alice} ${s.aliceId} ${s.tiles} ${s.state}`;
    const note = () => {
      const call = document.querySelector<HTMLElement>('.call');
      const video = document.querySelector<HTMLVideoElement>(`video[data-participant-name="${name}"]`);
      const tile = video?.closest<HTMLElement>('figure.tile');
      const s: Seen = {
        t: Date.now(),
        root: call?.dataset.connection,
        alice: tile ? (tile.dataset.connection ?? 'connected') : 'gone',
        aliceId: tile?.dataset.participantId,
        tiles: document.querySelectorAll('figure.tile').length,
        state: document.body.dataset.state,
      };
      const last = log.at(-1);
      if (!last || key(last) !== key(s)) log.push(s);
    };
    note();
    new MutationObserver(note).observe(document.body, { subtree: true, attributes: true, childList: true });
  }, CUT.name);
}
const seenIn = (page: Page) => page.evaluate(() => (window as unknown as { seen: Seen[] }).seen);

/** Decoded frames of `name`'s video at a page, or undefined when there is no such tile. */
const framesOf = (page: Page, name: string) =>
  page.evaluate((n) => {
    const video = document.querySelector<HTMLVideoElement>(`video[data-participant-name="${n}"]`);
    return video && video.videoWidth > 0 ? video.getVideoPlaybackQuality().totalVideoFrames : undefined;
  }, name);

/** Generous: six processes share two cores with the other suites; how fast video starts is not the point. */
const VIDEO_TIMEOUT_MS = 90_000;

async function videoAdvances(page: Page, name: string, what: string): Promise<void> {
  const before = await poll(`${what}: a decoding tile`, VIDEO_TIMEOUT_MS, () => framesOf(page, name));
  await poll(`${what}: 10 more frames`, VIDEO_TIMEOUT_MS, async () => {
    const now = await framesOf(page, name);
    return now !== undefined && now >= before + 10 ? true : undefined;
  });
}

/**
 * Records every RTCPeerConnection a page makes (before any page script runs), so the test can read getStats
 * for a tile's audio: the app does not expose its PeerConnections.
 */
const KEEP_PEER_CONNECTIONS = () => {
  const made: RTCPeerConnection[] = [];
  (window as unknown as { peerConnections: RTCPeerConnection[] }).peerConnections = made;
  const Native = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Native {
    constructor(...args: ConstructorParameters<typeof RTCPeerConnection>) {
      super(...args);
      made.push(this);
    }
  } as typeof RTCPeerConnection;
};

/**
 * How much sound of `name`'s audio a page received over `ms`: the growth of `totalAudioEnergy` of the
 * inbound-rtp stats whose track is the one on that tile. The fake microphone beeps once a second, so an
 * unmuted sender adds energy in ~2 s; a disabled track sends silence.
 */
const audioEnergy = (page: Page, name: string, ms: number) =>
  page.evaluate(
    async ([n, duration]) => {
      const video = document.querySelector<HTMLVideoElement>(`video[data-participant-name="${n}"]`);
      const track = (video?.srcObject as MediaStream | null)?.getAudioTracks()[0];
      if (!track) throw new Error(`no audio from ${n}`);
      const pcs = (window as unknown as { peerConnections: RTCPeerConnection[] }).peerConnections;
      const energy = async () => {
        for (const pc of pcs) {
          if (pc.connectionState === 'closed') continue;
          for (const report of (await pc.getStats()).values())
            if (report.type === 'inbound-rtp' && report.trackIdentifier === track.id)
              return (report.totalAudioEnergy as number | undefined) ?? 0;
        }
        throw new Error(`no inbound-rtp for ${n}'s audio`);
      };
      const before = await energy();
      await new Promise((r) => setTimeout(r, duration));
      return (await energy()) - before;
    },
    [name, ms] as const,
  );

/** Alice is muted at both others, judged against an unmuted sender heard at the same page. */
async function expectMutedAtOthers(when: string): Promise<void> {
  for (const [listener, control] of [
    [OTHERS[0].name, OTHERS[1].name],
    [OTHERS[1].name, OTHERS[0].name],
  ] as const) {
    const [muted, heard] = await Promise.all([
      audioEnergy(pages.get(listener)!, CUT.name, 2500),
      audioEnergy(pages.get(listener)!, control, 2500),
    ]);
    console.log(
      `${when}: at ${listener}, audio energy in 2.5 s from ${CUT.name} ${muted.toExponential(2)}, from ${control} ${heard.toExponential(2)}`,
    );
    expect(heard, `${control} is heard at ${listener} (the control)`).toBeGreaterThan(0);
    expect(muted, `${CUT.name} stays muted at ${listener} ${when}`).toBeLessThan(heard / 20);
  }
}

/**
 * Presses the mic button in the page (playwright's click waits for the element to be stable over animation
 * frames, which a loaded two-core machine can starve for longer than any deadline here).
 */
const toggleMic = (page: Page) =>
  page.evaluate(() => document.querySelector<HTMLButtonElement>('[data-control="mic"]')!.click());

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};

const pages = new Map<string, Page>();

describe('a lost signalling socket in a three-person call', () => {
  let server: TestServer;
  let proxy: TcpProxy;
  const browsers: LaunchedBrowser[] = [];
  const page = (name: string) => pages.get(name)!;

  beforeAll(async () => {
    server = await startTestServer({ RESUME_WINDOW_MS: String(RESUME_WINDOW_MS) });
    const { hostname, port } = new URL(server.url);
    proxy = await startTcpProxy({ host: hostname, port: Number(port) });
    for (const person of PEOPLE) {
      const browser = await launchChromium({ fakeCamera: makeCamera(person.camera).file });
      browsers.push(browser);
      await browser.context.addInitScript(KEEP_PEER_CONNECTIONS);
      const p = await browser.context.newPage();
      p.on('pageerror', (error) => console.error(`[${person.name}] page error`, error));
      p.on('console', (message) => {
        if (message.type() === 'error' || message.type() === 'warning')
          console.log(`[${person.name}] ${message.type()}: ${message.text()}`);
      });
      const base = person === CUT ? proxy.url : server.url;
      await p.goto(`${base}/r/e2e-reconnect?name=${person.name}&autojoin=1`);
      pages.set(person.name, p);
    }
    for (const person of PEOPLE)
      for (const other of PEOPLE)
        if (other !== person)
          await videoAdvances(page(person.name), other.name, `${person.name} sees ${other.name}`);
    // Three browsers starting on two cores shared with other suites: the set-up is not what is measured.
  }, 420_000);

  afterAll(async () => {
    await Promise.all(browsers.map((b) => b.close()));
    await proxy?.close();
    await server?.stop();
  });

  it(`resumes: own bar, the others' tile marked and back, video and mute kept (${RESUME_CUTS} cuts)`, async () => {
    const alice = page(CUT.name);
    // The measure can tell: unmuted, Alice is heard at Bob like Chandra is.
    const [before, control] = await Promise.all([
      audioEnergy(page(OTHERS[0].name), CUT.name, 2500),
      audioEnergy(page(OTHERS[0].name), OTHERS[1].name, 2500),
    ]);
    console.log(
      `unmuted: at ${OTHERS[0].name}, audio energy in 2.5 s from ${CUT.name} ${before.toExponential(2)}, from ${OTHERS[1].name} ${control.toExponential(2)}`,
    );
    expect(before).toBeGreaterThan(control / 20);
    await toggleMic(alice);
    // Audio already in the receivers' buffers still plays out (seconds of it under load): not what is tested.
    await new Promise((r) => setTimeout(r, 3000));
    await expectMutedAtOthers('muted, before any cut');
    expect(await alice.textContent('[data-control="mic"]')).toBe('Unmute');
    const barGoneMs: number[] = [];
    for (let run = 0; run < RESUME_CUTS; run++) {
      for (const p of pages.values()) await record(p);
      const aliceIdBefore = (await seenIn(page(OTHERS[0].name))).at(-1)?.aliceId;
      const cutAt = Date.now();
      expect(proxy.cutSignalling(), 'signalling sockets cut').toBe(1);
      // Own bar: reconnecting, then connected again.
      const back = await poll(`${CUT.name}'s bar to come and go (run ${run})`, 30_000, async () => {
        const seen = await seenIn(alice);
        const down = seen.findIndex((s) => s.root === 'reconnecting');
        const up = down < 0 ? undefined : seen.slice(down).find((s) => s.root === 'connected');
        return up;
      });
      barGoneMs.push(back.t - cutAt);
      console.log(`cut ${run}: ${CUT.name}'s own bar gone after ${back.t - cutAt} ms`);
      // The others: Alice's tile marked reconnecting, then not; never gone, same participant.
      for (const other of OTHERS) {
        const seen = await poll(`${other.name} to see ${CUT.name} back (run ${run})`, 30_000, async () => {
          const s = await seenIn(page(other.name));
          const down = s.findIndex((x) => x.alice === 'reconnecting');
          return down >= 0 && s.slice(down).some((x) => x.alice === 'connected') ? s : undefined;
        });
        expect(
          seen.every((s) => s.alice !== 'gone' && s.tiles === 3 && s.aliceId === aliceIdBefore),
          `${other.name} kept ${CUT.name}'s tile (cut at ${cutAt}): ${JSON.stringify(seen)}`,
        ).toBe(true);
        await videoAdvances(page(other.name), CUT.name, `${other.name} sees ${CUT.name} after cut ${run}`);
      }
      const own = await seenIn(alice);
      expect(
        own.every((s) => s.state === 'in-call' && s.tiles === 3),
        JSON.stringify(own),
      ).toBe(true);
      // Mute is local (the server does not signal it): the same track, still disabled.
      expect(await alice.textContent('[data-control="mic"]')).toBe('Unmute');
      expect(await alice.$eval('figure.tile.local', (el) => el.classList.contains('audio-muted'))).toBe(true);
      for (const other of OTHERS) await videoAdvances(alice, other.name, `${CUT.name} sees ${other.name}`);
    }
    await expectMutedAtOthers(`after ${RESUME_CUTS} resumes`);
    console.log(
      `cut -> own "Reconnecting…" bar gone (resume): ${barGoneMs.join(', ')} ms; p50 ${percentile(barGoneMs, 50)} ms, max ${Math.max(...barGoneMs)} ms over ${barGoneMs.length} cuts`,
    );
  });

  it('past the resume window, falls back to a fresh join: the others see one leave and one join, with video', async () => {
    const alice = page(CUT.name);
    // Muted by the test before (kept muted here if that one stopped early).
    if ((await alice.textContent('[data-control="mic"]')) === 'Mute') await toggleMic(alice);
    for (const p of pages.values()) await record(p);
    const aliceIdBefore = (await seenIn(page(OTHERS[0].name))).at(-1)?.aliceId;
    const cutAt = Date.now();
    proxy.refuseUntil(cutAt + RESUME_WINDOW_MS + 2000);
    expect(proxy.cutSignalling()).toBe(1);
    const back = await poll(`${CUT.name} back after the window`, 60_000, async () => {
      const seen = await seenIn(alice);
      const down = seen.findIndex((s) => s.root === 'reconnecting');
      return down < 0 ? undefined : seen.slice(down).find((s) => s.root === 'connected');
    });
    expect(back.t - cutAt).toBeGreaterThan(RESUME_WINDOW_MS);
    for (const other of OTHERS) {
      const seen = await poll(`${other.name} to see ${CUT.name} join again`, 60_000, async () => {
        const s = await seenIn(page(other.name));
        const last = s.at(-1);
        return last?.aliceId && last.aliceId !== aliceIdBefore ? s : undefined;
      });
      // One leave (the tile gone) and one join (a new participant id), nothing else in between.
      const ids = seen.map((s) => s.aliceId ?? 'gone').filter((id, i, all) => i === 0 || id !== all[i - 1]);
      expect(ids, `${other.name}: ${JSON.stringify(seen)}`).toEqual([
        aliceIdBefore,
        'gone',
        seen.at(-1)!.aliceId,
      ]);
      await videoAdvances(page(other.name), CUT.name, `${other.name} sees ${CUT.name} after the fresh join`);
    }
    const own = await seenIn(alice);
    expect(
      own.every((s) => s.state === 'in-call'),
      JSON.stringify(own),
    ).toBe(true);
    expect(await alice.textContent('[data-control="mic"]')).toBe('Unmute');
    // A fresh join publishes the same (disabled) microphone track again: still silent at the others.
    await expectMutedAtOthers('after the fresh join');
    console.log(`fresh join after the window: own bar gone ${back.t - cutAt} ms after the cut`);
  });
});

import { chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CHROMIUM_ARGS,
  CHROMIUM_PATH,
  type LaunchedBrowser,
  launchChromium,
} from '../../../test/support/chromium.js';
import { firstVisitPermissions } from '../../../test/support/page-probes.js';
import { callServer } from './call-server.js';
import { createSdpAnswerer } from './sdp-answerer.js';
import { type StaticServer, serveDist } from './static-server.js';

/** In the page, before its scripts run: every track getUserMedia gives is kept in `window.__tracks`. */
function recordTracks(): void {
  const w = window as unknown as { __tracks: MediaStreamTrack[] };
  w.__tracks = [];
  const gum = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = async (constraints) => {
    const stream = await gum(constraints);
    w.__tracks.push(...stream.getTracks());
    return stream;
  };
}

/** The pages in real Chromium against the built app, without a signalling server (joins fail on purpose). */
describe('app pages', () => {
  let server: StaticServer;
  let browser: LaunchedBrowser;
  let page: Page;
  const pageErrors: Error[] = [];

  beforeAll(async () => {
    server = await serveDist();
    browser = await launchChromium();
    page = await browser.context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const state = () => page.evaluate(() => document.body.dataset.state);
  const waitForState = (wanted: string) =>
    page.waitForFunction((s) => document.body.dataset.state === s, wanted, { timeout: 30_000 });

  it('landing suggests a valid room, refuses a bad one, and opens the room link', async () => {
    await page.goto(`${server.url}/`);
    await waitForState('landing');
    const suggested = await page.inputValue('#room-name');
    expect(suggested).toMatch(/^[a-z0-9-]{1,64}$/);
    await page.fill('#room-name', 'Not a room!');
    await page.click('button[type=submit]');
    expect(await page.textContent('[role=alert]')).toMatch(/a-z, 0-9 and -/);
    expect(new URL(page.url()).pathname).toBe('/');
    await page.fill('#room-name', 'design-review');
    await page.click('button[type=submit]');
    await page.waitForURL(`${server.url}/r/design-review`);
    await waitForState('lobby');
  });

  it('lobby shows the camera preview, asks for a name, and remembers it', async () => {
    await page.waitForSelector('.lobby button[type=submit]:not([disabled])', { timeout: 30_000 });
    const preview = await page.waitForFunction(
      () => {
        const v = document.querySelector<HTMLVideoElement>('.preview video');
        return v && v.videoWidth > 0 && !v.paused ? v.videoWidth : 0;
      },
      undefined,
      { timeout: 30_000 },
    );
    expect(await preview.jsonValue()).toBeGreaterThan(0);
    expect(await page.$('.picker-slot')).not.toBeNull();
    await page.fill('#display-name', '   ');
    await page.click('.lobby button[type=submit]');
    expect(await page.textContent('#name-error')).toMatch(/must not be empty/);
    expect(await state()).toBe('lobby');
    // No signalling server here: joining fails, and says so.
    await page.fill('#display-name', '  Grace Hopper ');
    await page.click('.lobby button[type=submit]');
    await waitForState('error');
    expect(await page.textContent('h1')).toBe('Could not join');
    expect(await page.evaluate(() => localStorage.getItem('backdrop.displayName'))).toBe('Grace Hopper');
    await page.click('text=Back to lobby');
    await waitForState('lobby');
    expect(await page.inputValue('#display-name')).toBe('Grace Hopper');
  });

  it('joins by itself from a script link, and explains a broken one instead', async () => {
    await page.goto(`${server.url}/r/design-review?name=Ada&autojoin=1`);
    await waitForState('error'); // joined (and failed: no server), without a click
    expect(await page.evaluate(() => window.backdropMetrics)).toEqual({
      firstRemoteFrameMs: null,
      effectStartup: [],
    });
    const marks = await page.evaluate(() => performance.getEntriesByType('mark').map((m) => m.name));
    expect(marks).toEqual(expect.arrayContaining(['backdrop:lobby', 'backdrop:joining', 'backdrop:error']));

    await page.goto(`${server.url}/r/design-review?name=${'x'.repeat(65)}&autojoin=1&effect=sparkle`);
    await waitForState('lobby');
    await page.waitForSelector('.lobby button[type=submit]:not([disabled])', { timeout: 30_000 });
    const problems = await page.$$eval('.link-problems li', (items) => items.map((li) => li.textContent));
    expect(problems).toEqual([
      'The name in the link is not valid: name must be at most 64 characters.',
      'effect in the link must be none, blur, replace or remove.',
      'Not joining automatically: fix the link or press Join.',
    ]);
    await page.waitForTimeout(500);
    expect(await state()).toBe('lobby');
  });

  it('the background picker: the link’s effect shows pressed, a click moves it, an oversized upload is refused', async () => {
    await page.goto(`${server.url}/r/design-review?effect=replace&background=lagoon`);
    await waitForState('lobby');
    const pressed = (key: string) => `.effect-picker [data-effect="${key}"][aria-pressed="true"]`;
    await page.waitForSelector(pressed('replace-lagoon'), { timeout: 60_000 });
    const options = await page.$$eval('.effect-picker [data-effect]', (els) =>
      els.map((e) => [(e as HTMLElement).dataset.effect, e.textContent?.trim()]),
    );
    expect(options).toEqual([
      ['none', 'None'],
      ['blur', 'Blur'],
      ['replace-dusk', 'Dusk'],
      ['replace-lagoon', 'Lagoon'],
      ['replace-nebula', 'Nebula'],
      ['upload', 'Your image…'],
      ['remove', 'Colour'],
    ]);
    await page.click('.effect-picker [data-effect="blur"]');
    await page.waitForSelector(pressed('blur'), { timeout: 60_000 });
    expect(await page.$$(pressed('replace-lagoon'))).toHaveLength(0);
    // 21 MiB: refused before decoding, with the limit written as the effects library writes it. The file is
    // made in the page (sending 21 MiB through the DevTools protocol is slow on a loaded machine).
    await page.evaluate(() => {
      const input = document.querySelector<HTMLInputElement>('.effect-picker input[type=file]')!;
      const files = new DataTransfer();
      files.items.add(new File([new Uint8Array(21 * 1024 * 1024)], 'huge.png', { type: 'image/png' }));
      input.files = files.files;
      input.dispatchEvent(new Event('change'));
    });
    await page.waitForSelector('#lobby-message.error', { timeout: 10_000 });
    expect(await page.textContent('#lobby-message')).toBe(
      'That file is 21.0 MB; backgrounds can be at most 20 MB.',
    );
    expect(await page.$$(pressed('blur'))).toHaveLength(1);
  });

  it('loads nothing for effects until one is chosen: no worker, no wasm, no model; then starts at once', async () => {
    await page.goto(`${server.url}/r/lazy-effects`);
    await waitForState('lobby');
    await page.waitForSelector('.lobby button[type=submit]:not([disabled])', { timeout: 30_000 });
    await page.waitForSelector('.effect-picker [data-effect="blur"]:not([disabled])');
    // Give anything started in the background time to show up in the resource timeline.
    await page.waitForTimeout(1500);
    const effectsFetches = () =>
      page.evaluate(() =>
        performance
          .getEntriesByType('resource')
          .map((e) => e.name)
          .filter((name) => /effects-worker|\.wasm|\.tflite|tflite-|vision_wasm|mediapipe-tasks/.test(name)),
      );
    expect(await effectsFetches()).toEqual([]);
    expect(await page.evaluate(() => window.backdropMetrics.effectStartup)).toEqual([]);

    await page.click('.effect-picker [data-effect="blur"]');
    await page.waitForSelector('.effect-picker [data-effect="blur"][aria-pressed="true"]', {
      timeout: 30_000,
    });
    const startup = await page.waitForFunction(
      () => window.backdropMetrics.effectStartup.find((r) => r.at.firstFrame !== undefined) ?? null,
      undefined,
      { timeout: 60_000 },
    );
    const report = (await startup.jsonValue()) as {
      runtime: string;
      decisions: string;
      glRenderer: string;
      wasm: string;
    };
    expect(report.runtime).toBe('tflite');
    // A new page: the wasm came from the server or the HTTP cache, not from an earlier start in this page.
    expect(['network', 'http-cache']).toContain(report.wasm);
    // Headless Chromium without a GPU renders WebGL with SwiftShader: no WebGL2 trial there (or the choice of an
    // earlier test in this browser came from the cache).
    expect(['software-gl', 'cache']).toContain(report.decisions);
    if (report.decisions === 'software-gl') expect(report.glRenderer).toMatch(/swiftshader/i);
  });

  it('effect -> None -> another effect keeps the one effects worker: None idles it, the next choice starts no worker and loads nothing', async () => {
    const fresh = await browser.context.newPage();
    fresh.on('pageerror', (error) => pageErrors.push(error));
    try {
      await fresh.addInitScript(() => {
        const Native = window.Worker;
        const w = window as unknown as { __workersStarted: number };
        w.__workersStarted = 0;
        window.Worker = class extends Native {
          constructor(url: string | URL, options?: WorkerOptions) {
            super(url, options);
            w.__workersStarted++;
          }
        };
      });
      await fresh.goto(`${server.url}/r/lazy-effects-again`);
      await fresh.waitForSelector('.effect-picker [data-effect="blur"]:not([disabled])', { timeout: 30_000 });
      const pick = async (key: string) => {
        await fresh.click(`.effect-picker [data-effect="${key}"]`);
        await fresh.waitForSelector(`.effect-picker [data-effect="${key}"][aria-pressed="true"]`, {
          timeout: 30_000,
        });
      };
      const loads = () =>
        fresh.evaluate(() => ({
          workers: (window as unknown as { __workersStarted: number }).__workersStarted,
          starts: window.backdropMetrics.effectStartup.filter(
            (r) => r.kind === 'start' && r.at.firstFrame !== undefined,
          ).length,
          wasm: performance.getEntriesByType('resource').filter((e) => /\.wasm$/.test(e.name)).length,
        }));
      await pick('blur');
      await fresh.waitForFunction(
        () => window.backdropMetrics.effectStartup.some((r) => r.at.firstFrame !== undefined),
        undefined,
        { timeout: 60_000 },
      );
      const once = await loads();
      expect(once).toMatchObject({ workers: 1, starts: 1, wasm: 1 });
      await pick('none');
      await pick('replace-dusk');
      await pick('none');
      await pick('blur');
      // The second and third choices resumed the idle worker: each reports a resume, not a start.
      await fresh.waitForFunction(
        () =>
          window.backdropMetrics.effectStartup.filter(
            (r) => r.kind === 'resume' && r.at.firstFrame !== undefined,
          ).length === 2,
        undefined,
        { timeout: 60_000 },
      );
      // Three effect choices, one worker and one start-up.
      expect(await loads()).toMatchObject({ workers: 1, starts: 1, wasm: 1 });
    } finally {
      await fresh.close();
    }
  });

  it('a room page asks for the camera once, from its early script, and the lobby uses it', async () => {
    const fresh = await browser.context.newPage();
    try {
      // Records each getUserMedia call (page time) and the tracks it gave, before any script of the page runs.
      await fresh.addInitScript(() => {
        const w = window as unknown as { __gum: { from: string; tracks: string[]; done: boolean }[] };
        w.__gum = [];
        const gum = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
        navigator.mediaDevices.getUserMedia = async (constraints) => {
          // Which script asked: the call's stack names its file.
          const call = { from: new Error().stack ?? '', tracks: [] as string[], done: false };
          w.__gum.push(call);
          try {
            const stream = await gum(constraints);
            call.tracks = stream.getTracks().map((t) => t.id);
            return stream;
          } finally {
            call.done = true;
          }
        };
      });
      await fresh.goto(`${server.url}/r/early-camera`);
      // The preview shows once the camera is open; where the two are asked apart, the microphone follows.
      await fresh.waitForFunction(
        () =>
          (document.querySelector<HTMLVideoElement>('.preview video')?.videoWidth ?? 0) > 0 &&
          (window as unknown as { __gum: { done: boolean }[] }).__gum.every((call) => call.done),
        undefined,
        { timeout: 30_000 },
      );
      const seen = await fresh.evaluate(() => {
        const w = window as unknown as { __gum: { from: string; tracks: string[] }[] };
        const preview = document.querySelector<HTMLVideoElement>('.preview video')!;
        return {
          calls: w.__gum,
          previewTrack: (preview.srcObject as MediaStream).getVideoTracks()[0]?.id,
        };
      });
      // Where the site may use both devices (the fake UI's permissions read as granted, as for a returning
      // visitor), the camera's request and then the microphone's; else one request for both.
      const granted = await fresh.evaluate(async () => {
        const names = ['camera', 'microphone'] as PermissionName[];
        const states = await Promise.all(names.map((name) => navigator.permissions.query({ name })));
        return states.every((s) => s.state === 'granted');
      });
      expect(seen.calls.map((c) => c.tracks.length)).toEqual(granted ? [1, 1] : [2]);
      // Asked by the early script (the lobby took its request over and asked for nothing itself). Whether the
      // lobby renders before that ask is a race: the 273 KB bundle often wins it on a warm browser.
      for (const call of seen.calls) expect(call.from).toMatch(/\/assets\/early-[A-Z0-9]{8}\.js/);
      expect(seen.calls[0]!.tracks).toContain(seen.previewTrack);
    } finally {
      await fresh.close();
    }
  });

  it("the camera preview does not hold the page's load event (which an autojoin waits for)", async () => {
    const fresh = await browser.context.newPage();
    try {
      // The page's load event waits ~1.5 s for an image (as it may for anything slow on a page)...
      await fresh.route('**/slow-image.png', async (route) => {
        await new Promise((resolve) => setTimeout(resolve, 1500));
        await route.fulfill({ status: 404, body: '' });
      });
      // ...and the camera opens at once but gives its first frame only 5 s after the page opened (a slow
      // camera, or an effect whose model still loads). A <video> given it before `load` would hold `load` until
      // that frame.
      await fresh.addInitScript(() => {
        addEventListener('DOMContentLoaded', () => {
          const img = document.createElement('img');
          img.src = '/slow-image.png';
          img.hidden = true;
          document.body.append(img);
        });
        // A track generator: no frame at all until one is written (a canvas's capture gives one at once).
        const Generator = (
          window as unknown as {
            MediaStreamTrackGenerator: new (init: {
              kind: 'video';
            }) => MediaStreamTrack & { writable: WritableStream<VideoFrame> };
          }
        ).MediaStreamTrackGenerator;
        const video = new Generator({ kind: 'video' });
        setTimeout(() => {
          const writer = video.writable.getWriter();
          const canvas = new OffscreenCanvas(64, 48);
          const ctx = canvas.getContext('2d')!;
          let timestamp = 0;
          setInterval(() => {
            ctx.fillStyle = `hsl(${timestamp % 360} 50% 50%)`;
            ctx.fillRect(0, 0, 64, 48);
            timestamp += 50_000;
            void writer.write(new VideoFrame(canvas, { timestamp }));
          }, 50);
        }, 5000);
        const audio = new AudioContext().createMediaStreamDestination().stream.getAudioTracks()[0]!;
        navigator.mediaDevices.getUserMedia = async (constraints) => {
          performance.mark('test:camera-given');
          return new MediaStream([
            ...(constraints?.video ? [video] : []),
            ...(constraints?.audio ? [audio.clone()] : []),
          ]);
        };
      });
      await fresh.goto(`${server.url}/r/load-check`);
      const timing = await fresh.evaluate(() => ({
        given: performance.getEntriesByName('test:camera-given')[0]?.startTime ?? Number.NaN,
        load: (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).loadEventStart,
      }));
      // The camera was there before `load`, and `load` came with the image, not 5 s later with the frame.
      expect(timing.given).toBeLessThan(timing.load);
      expect(timing.load).toBeLessThan(4000);
      // Then the preview shows the camera, once it gives frames.
      await fresh.waitForFunction(
        () => (document.querySelector<HTMLVideoElement>('.preview video')?.videoWidth ?? 0) > 0,
        undefined,
        { timeout: 30_000 },
      );
    } finally {
      await fresh.close();
    }
  });

  it('a malformed room path leaves no camera on', async () => {
    const fresh = await browser.context.newPage();
    try {
      await fresh.addInitScript(recordTracks);
      await fresh.goto(`${server.url}/r/UPPER`);
      await fresh.waitForFunction(() => document.body.dataset.state === 'error', undefined, {
        timeout: 30_000,
      });
      // The early script asks on any /r/ path; the app, which shows an error here, stops what it got.
      await fresh.waitForFunction(
        () => {
          const w = window as unknown as { __tracks: MediaStreamTrack[] };
          return w.__tracks.every((t) => t.readyState === 'ended');
        },
        undefined,
        { timeout: 10_000, polling: 100 },
      );
    } finally {
      await fresh.close();
    }
  });

  it('an early script that runs after the app has decided asks for nothing (a malformed path, a lobby with its camera)', async () => {
    // The two scripts race (the early one is async); here it is held back until the app has shown what it shows.
    for (const path of ['/r/UPPER', '/r/late-early-script']) {
      const fresh = await browser.context.newPage();
      try {
        await fresh.addInitScript(recordTracks);
        await fresh.addInitScript(() => {
          const w = window as unknown as { __earlyRan: Promise<void> };
          // A module script's load event follows its evaluation.
          w.__earlyRan = new Promise((resolve) => {
            document.addEventListener(
              'load',
              (event) => {
                if ((event.target as HTMLScriptElement).src?.includes('/assets/early-')) resolve();
              },
              true,
            );
          });
        });
        let release = () => {};
        const held = new Promise<void>((resolve) => {
          release = resolve;
        });
        await fresh.route(/\/assets\/early-[A-Z0-9]{8}\.js$/, async (route) => {
          await held;
          await route.continue();
        });
        await fresh.goto(`${server.url}${path}`, { waitUntil: 'commit' });
        // The app's own outcome: the error page, or the lobby's preview from its own request.
        await fresh.waitForFunction(
          () =>
            document.body.dataset.state === 'error' ||
            (document.querySelector<HTMLVideoElement>('.preview video')?.videoWidth ?? 0) > 0,
          undefined,
          { timeout: 30_000 },
        );
        const before = await fresh.evaluate(
          () => (window as unknown as { __tracks: MediaStreamTrack[] }).__tracks.length,
        );
        release();
        await fresh.evaluate(() => (window as unknown as { __earlyRan: Promise<void> }).__earlyRan);
        // Its ask would follow a permissions query: give it time to be made.
        await fresh.waitForTimeout(1000);
        const after = await fresh.evaluate(() => {
          const w = window as unknown as { __tracks: MediaStreamTrack[] };
          return {
            tracks: w.__tracks.length,
            live: w.__tracks.filter((t) => t.readyState === 'live').length,
            asked: performance.getEntriesByName('backdrop:camera-asked').length,
          };
        });
        expect(after.asked, path).toBe(0);
        expect(after.tracks, path).toBe(before);
        if (path === '/r/UPPER') expect(after.live, path).toBe(0);
      } finally {
        await fresh.close();
      }
    }
  });

  it('rejects a malformed room path with an error page', async () => {
    await page.goto(`${server.url}/r/UPPER`);
    await waitForState('error');
    expect(await page.textContent('h1')).toMatch(/not valid/);
  });

  it('threw no page errors', () => {
    expect(pageErrors).toEqual([]);
  });
});

/**
 * Runs `test` on a page (and the app's URL) of a browser of its own, against a signalling server whose SFU is a
 * PeerConnection in another page of that browser (`createSdpAnswerer`); everything is closed after.
 */
async function withCallPage(room: string, test: (page: Page, url: string) => Promise<void>): Promise<void> {
  const browser = await launchChromium();
  const answerer = await createSdpAnswerer(browser.context);
  const server = await serveDist(callServer((offer) => answerer.answer(offer, false), room));
  try {
    const page = await browser.context.newPage();
    await test(page, server.url);
    await page.close();
  } finally {
    await answerer.close();
    await browser.close();
    await server.close();
  }
}

/**
 * An autojoin link with an effect joins and publishes while the camera opens (the camera is held back here until
 * the publish is sent, or 20 s, so the order comes from neither timing luck nor a slow machine), and puts the
 * effect's track on the sender once it exists, never the raw camera.
 */
describe('an autojoin link with an effect', () => {
  it('joins and publishes before the camera is open and never puts the raw camera on a sender', async () => {
    await withCallPage('join-early', async (page, url) => {
      await page.addInitScript(() => {
        const w = window as unknown as {
          __cameras: MediaStreamTrack[];
          __cameraOpenAt: number[];
          __joinSentAt: number | null;
          __publishSentAt: number | null;
          __senders: { checks: number; raw: number; video: string[] };
        };
        w.__publishSentAt = null;
        w.__cameras = [];
        w.__cameraOpenAt = [];
        w.__joinSentAt = null;
        w.__senders = { checks: 0, raw: 0, video: [] };
        const gum = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
        navigator.mediaDevices.getUserMedia = async (constraints) => {
          const stream = await gum(constraints);
          // The camera's request is held back (a microphone asked for apart is not).
          if (stream.getVideoTracks().length === 0) return stream;
          w.__cameras.push(...stream.getVideoTracks());
          // Until the publish is sent, or 20 s: an app that waited for the camera gets it only then, and fails.
          const heldSince = performance.now();
          while (w.__publishSentAt === null && performance.now() - heldSince < 20_000)
            await new Promise((r) => setTimeout(r, 10));
          await new Promise((r) => setTimeout(r, 50));
          w.__cameraOpenAt.push(performance.now());
          return stream;
        };
        const send = WebSocket.prototype.send;
        WebSocket.prototype.send = function (data) {
          const type = typeof data === 'string' ? JSON.parse(data).type : undefined;
          if (w.__joinSentAt === null && type === 'join') w.__joinSentAt = performance.now();
          if (w.__publishSentAt === null && type === 'publish') w.__publishSentAt = performance.now();
          send.call(this, data);
        };
        const pcs: RTCPeerConnection[] = [];
        const Native = RTCPeerConnection;
        window.RTCPeerConnection = class extends Native {
          constructor(config?: RTCConfiguration) {
            super(config);
            pcs.push(this);
          }
        } as typeof RTCPeerConnection;
        // Bounded: the page closes at the end of the test.
        setInterval(() => {
          for (const pc of pcs)
            for (const sender of pc.getSenders()) {
              if (sender.track?.kind !== 'video') continue;
              w.__senders.checks++;
              if (!w.__senders.video.includes(sender.track.id)) w.__senders.video.push(sender.track.id);
              if (w.__cameras.includes(sender.track)) w.__senders.raw++;
            }
        }, 10);
      });
      await page.goto(`${url}/r/join-early?name=Ann&autojoin=1&effect=blur`);
      await page.waitForFunction(() => document.body.dataset.state === 'in-call', undefined, {
        timeout: 90_000,
      });
      // A few more sender checks after the publish.
      await page.waitForTimeout(300);
      const seen = await page.evaluate(() => {
        const w = window as unknown as {
          __cameras: MediaStreamTrack[];
          __cameraOpenAt: number[];
          __joinSentAt: number | null;
          __publishSentAt: number | null;
          __senders: { checks: number; raw: number; video: string[] };
        };
        return {
          cameraOpenAt: w.__cameraOpenAt,
          cameras: w.__cameras.map((t) => t.id),
          joinSentAt: w.__joinSentAt,
          publishSentAt: w.__publishSentAt,
          senders: w.__senders,
        };
      });
      expect(seen.cameraOpenAt).toHaveLength(1);
      expect(seen.joinSentAt).not.toBeNull();
      expect(seen.joinSentAt!).toBeLessThan(seen.cameraOpenAt[0]!);
      // The publish does not wait for the camera either: its m-lines get the effect's track when it comes.
      expect(seen.publishSentAt).not.toBeNull();
      expect(seen.publishSentAt!).toBeLessThan(seen.cameraOpenAt[0]!);
      expect(seen.senders.checks).toBeGreaterThan(0);
      expect(seen.senders.video).toHaveLength(1);
      expect(seen.cameras).not.toContain(seen.senders.video[0]);
      expect(seen.senders.raw).toBe(0);
    });
  }, 120_000);
});

describe('an autojoin link with an effect, camera and microphone in one request', () => {
  it("puts the effect's track on the sender without waiting for the microphone's swap", async () => {
    await withCallPage('swap-order', async (page, url) => {
      // A first visit: the browser would prompt, so the app asks for both devices in one request.
      await page.addInitScript(firstVisitPermissions);
      await page.addInitScript(() => {
        // Every swap onto a sender, timed; the microphone's takes 2 s (a slow one, as under load).
        const w = window as unknown as { __swaps: { kind: string; start: number; end: number | null }[] };
        w.__swaps = [];
        const replace = RTCRtpSender.prototype.replaceTrack;
        RTCRtpSender.prototype.replaceTrack = async function (track) {
          const swap = { kind: track?.kind ?? 'none', start: performance.now(), end: null as number | null };
          w.__swaps.push(swap);
          if (track?.kind === 'audio') await new Promise((r) => setTimeout(r, 2000));
          await replace.call(this, track);
          swap.end = performance.now();
        };
      });
      await page.goto(`${url}/r/swap-order?name=Ann&autojoin=1&effect=blur`);
      await page.waitForFunction(() => document.body.dataset.state === 'in-call', undefined, {
        timeout: 90_000,
      });
      const swaps = await page.evaluate(
        () =>
          (window as unknown as { __swaps: { kind: string; start: number; end: number | null }[] }).__swaps,
      );
      const audio = swaps.find((s) => s.kind === 'audio');
      const video = swaps.find((s) => s.kind === 'video');
      expect(audio?.end, JSON.stringify(swaps)).toBeTypeOf('number');
      expect(video?.end, JSON.stringify(swaps)).toBeTypeOf('number');
      expect(video!.end!).toBeLessThan(audio!.end!);
    });
  }, 120_000);
});

describe('lobby without camera permission', () => {
  it('says the camera was denied and still lets you join', async () => {
    const server = await serveDist();
    // A fake camera exists, but without --use-fake-ui-for-media-stream nobody grants the permission.
    const browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [...CHROMIUM_ARGS, '--use-fake-device-for-media-stream'],
    });
    try {
      const page = await browser.newPage();
      await page.goto(`${server.url}/r/design-review`);
      const join = await page.waitForSelector('.lobby button[type=submit]:not([disabled])', {
        timeout: 30_000,
      });
      expect(await join.textContent()).toBe('Join without camera');
      expect(await page.textContent('#lobby-message')).toBe(
        "Camera and microphone access was denied (allow them in this site's settings and reload). You can still join to watch and listen.",
      );
      expect(await page.$eval('.preview .tile', (el) => el.classList.contains('no-video'))).toBe(true);
    } finally {
      await browser.close();
      await server.close();
    }
  });
});

/** The app against a scripted signalling endpoint: each refusal is explained where the user can act on it. */
describe('server refusals', () => {
  let browser: LaunchedBrowser;
  const welcome = JSON.stringify({ type: 'welcome', protocol: 1 });

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function lobbyWith(server: StaticServer, name: string): Promise<Page> {
    const page = await browser.context.newPage();
    await page.goto(`${server.url}/r/design-review`);
    await page.waitForSelector('.lobby button[type=submit]:not([disabled])', { timeout: 30_000 });
    await page.fill('#display-name', name);
    await page.click('.lobby button[type=submit]');
    return page;
  }

  it('a refused name keeps you in the lobby with the reason by the name field', async () => {
    const server = await serveDist((socket, onMessage) => {
      socket.send(welcome);
      onMessage((m) => {
        if (m.type === 'join')
          socket.send(
            JSON.stringify({ type: 'error', replyTo: m.id, code: 'invalid_name', message: 'bidi override' }),
          );
      });
    });
    try {
      const page = await lobbyWith(server, 'Mallory');
      // The reason and the screen change are two updates: wait for both (a loaded machine shows the gap).
      await page
        .waitForFunction(
          () =>
            document.querySelector('#name-error')?.textContent !== '' &&
            document.body.dataset.state === 'lobby',
          undefined,
          { timeout: 10_000 },
        )
        .catch(() => undefined);
      expect(await page.evaluate(() => document.body.dataset.state)).toBe('lobby');
      expect(await page.textContent('#name-error')).toMatch(/^Name: This name cannot be used/);
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('display-name');
      await page.close();
    } finally {
      await server.close();
    }
  });

  it('a full room ends on a screen that says so, not in the server words', async () => {
    const server = await serveDist((socket, onMessage) => {
      socket.send(welcome);
      onMessage((m) => {
        if (m.type === 'join')
          socket.send(
            JSON.stringify({ type: 'error', replyTo: m.id, code: 'room_full', message: 'full (8)' }),
          );
      });
    });
    try {
      const page = await lobbyWith(server, 'Ann');
      await page.waitForFunction(() => document.body.dataset.state === 'error', undefined, {
        timeout: 10_000,
      });
      expect(await page.textContent('h1')).toBe('Could not join');
      expect(await page.textContent('.ended [role=alert]')).toMatch(/^This meeting is full\./);
      await page.close();
    } finally {
      await server.close();
    }
  });

  it('shuttingDown shows "The server is restarting…", and the close after it is explained once reconnecting gives up', async () => {
    let closed = false;
    const answerer = await createSdpAnswerer(browser.context);
    const server = await serveDist((socket, onMessage) => {
      // The server does not come back: every reconnect attempt after the drain fails.
      if (closed) {
        socket.terminate();
        return;
      }
      socket.send(welcome);
      onMessage(async (m) => {
        if (m.type === 'publish') {
          // In the call: the drain starts now.
          const sdp = await answerer.answer((m as { sdp?: string }).sdp ?? '', false);
          socket.send(JSON.stringify({ type: 'publishAnswer', replyTo: m.id, sdp }));
          socket.send(JSON.stringify({ type: 'shuttingDown', drainMs: 2000 }));
          setTimeout(() => {
            closed = true;
            socket.close(1001, 'shutting down');
          }, 2000);
        }
        if (m.type !== 'join') return;
        socket.send(
          JSON.stringify({
            type: 'joined',
            replyTo: m.id,
            room: 'design-review',
            participantId: 'p_1',
            participants: [],
            iceServers: [],
            resumeToken: 'x'.repeat(43),
            resumeWindowMs: 0,
            resumed: false,
          }),
        );
      });
    });
    try {
      const page = await lobbyWith(server, 'Ann');
      const notice = await page.waitForSelector('[data-notice=shutting-down]', { timeout: 10_000 });
      expect(await notice.textContent()).toMatch(/^The server is restarting… The call pauses in about 2 s/);
      // The SDK keeps trying for its give-up time (60 s) before the call ends.
      await page.waitForSelector('.call[data-connection="reconnecting"]', { timeout: 10_000 });
      await page.waitForFunction(() => document.body.dataset.state === 'error', undefined, {
        timeout: 120_000,
      });
      expect(await page.textContent('.ended [role=alert]')).toBe(
        'The server restarted and did not come back in time. Try again in a minute.',
      );
      await page.close();
    } finally {
      await server.close();
      await answerer.close();
    }
  });
});

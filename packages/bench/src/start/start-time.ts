// Start benchmark (`npm run bench:start [-- --runs N] [--json file] [--before DIST] [--scenarios a,b]`): how long from opening an
// autojoin link with an effect (or choosing one in a running call) until the two other people in a 3-person
// call see the sender's background removed. Real server, real Janus, headless Chromium, all inside an isolated
// network namespace. Fresh profile (cold) and second visit (warm). With --before, another app build (e.g.
// main's packages/app/dist copied aside) is measured in the same run, alternating with this one, so both see
// the same machine load.
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Page, Request } from 'playwright-core';
import { makeCamera, makePortraitCamera } from '../../../../test/support/cameras.js';
import { CHROMIUM_ARGS, type LaunchedBrowser, launchChromium } from '../../../../test/support/chromium.js';
import { defineTranspilerHelpers, firstVisitPermissions } from '../../../../test/support/page-probes.js';
import { ROOT, startTestServer, type TestServer } from '../../../../test/support/server.js';
import { forgetKey, type KeySeen, keySeenAt, watchForKey } from './receiver-probe.js';
import {
  formatSummary,
  ratios,
  type Sample,
  SCENARIO_TEXT,
  SCENARIOS,
  type Scenario,
  summarize,
} from './summary.js';

interface Args {
  runs: number;
  json: string | null;
  before: string | null;
  timeoutMs: number;
  /** Only these scenarios (all when not given). */
  scenarios: readonly Scenario[];
  /** The sender's HTTP downloads over an emulated link of this many Mbit/s (40 ms latency); null: loopback. */
  linkMbit: number | null;
}

/** The emulated link's one-way latency (Chromium DevTools' network conditions), with --link-mbit. */
const LINK_LATENCY_MS = 40;

/** coldVisit: how long its fresh browser runs (one blank page) before the link opens. */
const SETTLE_MS = 5000;

function parseArgs(argv: readonly string[]): Args {
  const args: Args = {
    runs: 5,
    json: null,
    before: null,
    timeoutMs: 120_000,
    scenarios: SCENARIOS,
    linkMbit: null,
  };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i]!, argv[i + 1]];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === '--runs') args.runs = Number(value);
    else if (flag === '--json') args.json = resolve(value);
    else if (flag === '--before') args.before = resolve(value);
    else if (flag === '--timeout-ms') args.timeoutMs = Number(value);
    else if (flag === '--link-mbit') {
      args.linkMbit = Number(value);
      if (!(args.linkMbit > 0 && args.linkMbit <= 10_000))
        throw new Error('--link-mbit must be in (0, 10000]');
    } else if (flag === '--scenarios') {
      const names = value.split(',');
      const unknown = names.filter((n) => !SCENARIOS.includes(n as Scenario));
      if (unknown.length > 0)
        throw new Error(`unknown scenario ${unknown.join(', ')} (${SCENARIOS.join(', ')})`);
      // A warm scenario is the profile's second visit: coldLoad makes it one.
      if (!names.includes('coldLoad') && names.some((n) => n !== 'coldChoose' && n !== 'coldVisit'))
        throw new Error('warmLoad, warmChoose and rechoose need coldLoad before them in the same profile');
      args.scenarios = names as Scenario[];
    } else
      throw new Error(
        `unknown option ${flag} (--runs N, --json FILE, --before APP_DIST, --timeout-ms MS, --scenarios a,b, --link-mbit N)`,
      );
  }
  if (!(args.runs >= 1) || !(args.timeoutMs > 0)) throw new Error('--runs and --timeout-ms must be positive');
  return args;
}

const KEY = [0, 200, 0] as const;
const KEY_HEX = '#00c800';
const ROOM = 'start-bench';

interface Build {
  name: string;
  server: TestServer;
}

type StartupReport = {
  kind?: 'start' | 'resume';
  at: Record<string, number>;
  detailMs?: Record<string, number>;
  phaseMs: Record<string, number>;
  runtime: string | null;
  wasm: string;
  model: string;
  decisions: string;
};

const roundAll = (r: Record<string, number>) =>
  Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Math.round(v * 10) / 10]));

const roundOrDash = (v: number | null) => (v === null ? '-' : `${Math.round(v)} ms`);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitForState(page: Page, state: string, timeout: number): Promise<void> {
  await page.waitForFunction((s) => document.body.dataset.state === s, state, { timeout, polling: 100 });
}

/** The latest of the receivers' times (the last receiver to get there), or null if one has none. */
function latest(values: ReadonlyArray<number | null>): number | null {
  return values.some((v) => v === null) ? null : Math.max(...(values as number[]));
}

/**
 * Waits until every receiver saw `name`'s key colour: the latest receiver's times (seen by the probe, that
 * frame presented, its last packet in), or null past the deadline.
 */
async function seenByAll(
  receivers: Page[],
  name: string,
  deadline: number,
): Promise<{ at: number; presented: number | null; received: number | null } | null> {
  while (Date.now() < deadline) {
    const seen = await Promise.all(receivers.map((r) => keySeenAt(r, name)));
    if (seen.every((t) => t !== null)) {
      const all = seen as KeySeen[];
      return {
        at: Math.max(...all.map((s) => s.at)),
        presented: latest(all.map((s) => s.presented)),
        received: latest(all.map((s) => s.received)),
      };
    }
    await sleep(100);
  }
  return null;
}

/** The sender's last start-up that began at or after `since` (a resumed idle effect has none of its own). */
async function senderReport(page: Page, since: number): Promise<StartupReport | null> {
  return page
    .evaluate((t) => {
      const all = (window as unknown as { backdropMetrics?: { effectStartup?: StartupReport[] } })
        .backdropMetrics?.effectStartup;
      return (
        all
          ?.filter((r) => r.at.firstFrame !== undefined && r.at.created !== undefined && r.at.created >= t)
          .at(-1) ?? null
      );
    }, since)
    .catch(() => null);
}

/** Chooses "remove" with the key colour in the call's effects panel; the epoch ms of the choice. */
function chooseKey(page: Page): Promise<number> {
  return page.evaluate((color) => {
    if (!document.querySelector('#effects-panel'))
      document.querySelector<HTMLButtonElement>('[data-control="background"]')?.click();
    const input = document.querySelector<HTMLInputElement>('#effects-panel input[type="color"]');
    if (!input) throw new Error('no colour input in the effects panel');
    input.value = color;
    const at = performance.timeOrigin + performance.now();
    input.dispatchEvent(new Event('input', { bubbles: true }));
    return at;
  }, KEY_HEX);
}

/** Chooses None in the call's effects panel and waits until no receiver shows the key any more. */
async function chooseNone(page: Page, receivers: Page[], name: string, timeoutMs: number): Promise<void> {
  await page.evaluate(() => {
    if (!document.querySelector('#effects-panel'))
      document.querySelector<HTMLButtonElement>('[data-control="background"]')?.click();
    const none = document.querySelector<HTMLButtonElement>('#effects-panel [data-effect="none"]');
    if (!none) throw new Error('no None option in the effects panel');
    none.click();
  });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    await sleep(2000);
    await Promise.all(receivers.map((r) => forgetKey(r, name)));
    // The probe samples every 40 ms: a second with no key seen anywhere is the raw camera at every receiver.
    await sleep(1000);
    const seen = await Promise.all(receivers.map((r) => keySeenAt(r, name)));
    if (seen.every((t) => t === null)) return;
  }
  throw new Error(`${name}: the receivers still see the effect ${timeoutMs} ms after None`);
}

async function measure(
  build: Build,
  run: number,
  scenario: Scenario,
  sender: LaunchedBrowser,
  receivers: Page[],
  timeoutMs: number,
  linkMbit: number | null,
): Promise<Sample> {
  const name = `${scenario}-${run}`;
  const page = await sender.context.newPage();
  await defineTranspilerHelpers(page);
  // A fresh profile is a first visit (a second visit is the fake UI's `granted`, as for a returning visitor).
  if (scenario === 'coldLoad' || scenario === 'coldVisit' || scenario === 'coldChoose')
    await page.addInitScript(firstVisitPermissions);
  if (linkMbit !== null) {
    // DevTools' network conditions: the page's and its worker's HTTP downloads (not the WebRTC media).
    const cdp = await sender.context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: LINK_LATENCY_MS,
      downloadThroughput: (linkMbit * 1e6) / 8,
      uploadThroughput: (linkMbit * 1e6) / 8,
    });
  }
  // What the sender's browser downloaded over HTTP (encoded bodies: compressed where the server compressed).
  const downloads: Promise<number>[] = [];
  const onDownload = (request: Request) => {
    downloads.push(
      request.sizes().then(
        // Negative for a response the cache gave (nothing came over the link).
        (sizes) => Math.max(0, sizes.responseBodySize),
        () => 0,
      ),
    );
  };
  sender.context.on('requestfinished', onDownload);
  const choose = scenario !== 'coldLoad' && scenario !== 'coldVisit' && scenario !== 'warmLoad';
  const query = new URLSearchParams({ name, autojoin: '1', effect: choose ? 'none' : 'remove' });
  if (!choose) query.set('background', KEY_HEX);
  let startedAt: number;
  try {
    await page.goto(`${build.server.url}/r/${ROOM}?${query}`);
    if (!choose) {
      startedAt = await page.evaluate(() => performance.timeOrigin);
    } else {
      await waitForState(page, 'in-call', timeoutMs);
      // The others already receive the raw camera: the call is running.
      await sleep(2000);
      if (scenario === 'rechoose') {
        // An effect runs first, then None: the second choice is the one timed.
        const first = await chooseKey(page);
        if ((await seenByAll(receivers, name, first + timeoutMs)) === null)
          throw new Error(`${name}: the first effect was not seen`);
        await chooseNone(page, receivers, name, timeoutMs);
      }
      startedAt = await chooseKey(page);
    }
    const seen = await seenByAll(receivers, name, startedAt + timeoutMs);
    const report = await senderReport(page, startedAt);
    // The page's marks: camera open, join started, joined and published.
    const marks = await page
      .evaluate(() => {
        const at = (name: string) => {
          const mark = performance.getEntriesByName(`backdrop:${name}`)[0];
          return mark ? performance.timeOrigin + mark.startTime : null;
        };
        const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
        const navAt = (ms: number | undefined) => (ms ? performance.timeOrigin + ms : null);
        // The app's bundle (not the early script): when its bytes were in.
        const bundle = performance
          .getEntriesByType('resource')
          .find((e) => /\/assets\/app-[^/]*\.js$/.test(new URL(e.name).pathname)) as
          | PerformanceResourceTiming
          | undefined;
        const early = performance
          .getEntriesByType('resource')
          .find((e) => /\/assets\/early-[^/]*\.js$/.test(new URL(e.name).pathname)) as
          | PerformanceResourceTiming
          | undefined;
        return {
          camera: at('media-open'),
          effectStarted: at('effect-started'),
          joining: at('joining'),
          inCall: at('in-call'),
          // The early script asking for the camera and the browser giving the tracks (builds with the marks).
          cameraAsked: at('camera-asked'),
          cameraGranted: at('camera-granted'),
          appBundle: navAt(bundle?.responseEnd),
          html: navAt(nav?.responseEnd),
          earlyScript: navAt(early?.responseEnd),
          domContentLoaded: navAt(nav?.domContentLoadedEventEnd),
          load: navAt(nav?.loadEventEnd),
        };
      })
      .catch(() => ({
        camera: null,
        effectStarted: null,
        joining: null,
        inCall: null,
        cameraAsked: null,
        cameraGranted: null,
        appBundle: null,
        html: null,
        earlyScript: null,
        domContentLoaded: null,
        load: null,
      }));
    const cameraAt = marks.camera;
    const pageMarks = choose
      ? {}
      : {
          ...(marks.effectStarted !== null && { effectStarted: marks.effectStarted - startedAt }),
          ...(marks.joining !== null && { joining: marks.joining - startedAt }),
          ...(marks.inCall !== null && { inCall: marks.inCall - startedAt }),
          ...(marks.cameraAsked !== null && { cameraAsked: marks.cameraAsked - startedAt }),
          ...(marks.cameraGranted !== null && { cameraGranted: marks.cameraGranted - startedAt }),
          ...(marks.html !== null && { html: marks.html - startedAt }),
          ...(marks.earlyScript !== null && { earlyScript: marks.earlyScript - startedAt }),
          ...(marks.appBundle !== null && { appBundle: marks.appBundle - startedAt }),
          ...(marks.domContentLoaded !== null && { domContentLoaded: marks.domContentLoaded - startedAt }),
          ...(marks.load !== null && { load: marks.load - startedAt }),
        };
    sender.context.off('requestfinished', onDownload);
    const downloaded = (await Promise.all(downloads)).reduce((a, b) => a + b, 0);
    const first = report?.at.firstFrame;
    const since = (t: number | null | undefined) => (t === null || t === undefined ? null : t - startedAt);
    return {
      build: build.name,
      run,
      scenario,
      // The frame's presentation where the browser gives it (Chromium), else when the probe saw it.
      ms: since(seen ? (seen.presented ?? seen.at) : undefined),
      receivers: seen
        ? { presented: since(seen.presented), received: since(seen.received), seen: seen.at - startedAt }
        : null,
      senderFirstFrameMs: first === undefined ? null : first - startedAt,
      downloadedBytes: downloaded,
      // `camera` (page loads only): start to the camera being open; `effectStarted`, `joining` and `inCall`
      // (page loads only): start to startEffect returning, to the join starting and to joined-and-published;
      // `cameraAsked`/`cameraGranted`: the early script's getUserMedia called and resolved (builds with those
      // marks); `appBundle`, `domContentLoaded`, `load`: the app bundle's bytes in, and the navigation's events;
      // `created`: start to the page creating the effect (page load, camera, lobby); then the effect's phases.
      phases:
        report && report.at.created !== undefined
          ? {
              ...(cameraAt !== null && !choose ? { camera: cameraAt - startedAt } : {}),
              ...pageMarks,
              created: report.at.created - startedAt,
              ...report.phaseMs,
            }
          : (report?.phaseMs ?? null),
      details: report?.detailMs ?? null,
      sources: report
        ? { runtime: report.runtime, wasm: report.wasm, model: report.model, decisions: report.decisions }
        : null,
    };
  } finally {
    sender.context.off('requestfinished', onDownload);
    await page.close({ runBeforeUnload: true }).catch(() => undefined);
    // Let the server see the leave before the next sender joins.
    await sleep(1000);
  }
}

/** One measurement; a failure is a sample that never showed the effect (the run goes on). */
async function tryMeasure(...args: Parameters<typeof measure>): Promise<Sample> {
  try {
    return await measure(...args);
  } catch (error) {
    console.log(`  ${args[0].name} run ${args[1]} ${args[2]} failed: ${(error as Error).message}`);
    return {
      build: args[0].name,
      run: args[1],
      scenario: args[2],
      ms: null,
      receivers: null,
      senderFirstFrameMs: null,
      phases: null,
      details: null,
      sources: null,
    };
  }
}

async function runBuild(
  build: Build,
  run: number,
  receiverBrowsers: LaunchedBrowser[],
  portrait: string,
  args: Args,
): Promise<Sample[]> {
  const receivers: Page[] = [];
  for (const [i, browser] of receiverBrowsers.entries()) {
    const page = await browser.context.newPage();
    await defineTranspilerHelpers(page);
    await page.goto(`${build.server.url}/r/${ROOM}?name=Receiver${i}&autojoin=1`);
    await waitForState(page, 'in-call', 60_000);
    await watchForKey(page, KEY);
    receivers.push(page);
  }
  const samples: Sample[] = [];
  try {
    // The first four share one browser profile (a warm scenario is the second visit); coldChoose and coldVisit
    // get their own.
    const wanted = (s: Scenario) => args.scenarios.includes(s);
    const inLoader = (['coldLoad', 'warmLoad', 'warmChoose', 'rechoose'] as const).filter(wanted);
    if (inLoader.length > 0) {
      const loader = await launchChromium({ fakeCamera: portrait });
      try {
        for (const scenario of inLoader)
          samples.push(
            await tryMeasure(build, run, scenario, loader, receivers, args.timeoutMs, args.linkMbit),
          );
      } finally {
        await loader.close();
      }
    }
    // Each in a browser of its own; coldVisit's has run a while (one blank page) before the link opens, as a
    // browser the user already runs: its start-up work is over.
    for (const [scenario, settleMs] of [
      ['coldChoose', 0],
      ['coldVisit', SETTLE_MS],
    ] as const) {
      if (!wanted(scenario)) continue;
      const own = await launchChromium({ fakeCamera: portrait });
      try {
        if (settleMs > 0) {
          await own.context.newPage();
          await sleep(settleMs);
        }
        samples.push(await tryMeasure(build, run, scenario, own, receivers, args.timeoutMs, args.linkMbit));
      } finally {
        await own.close();
      }
    }
  } finally {
    for (const page of receivers) await page.close({ runBeforeUnload: true }).catch(() => undefined);
    await sleep(1000);
  }
  for (const s of samples)
    console.log(
      `  ${s.build} run ${s.run} ${s.scenario}: ${s.ms === null ? 'NOT SEEN' : `${Math.round(s.ms)} ms`} at the receivers${s.receivers ? ` (last packet in ${roundOrDash(s.receivers.received)}, seen by the probe ${roundOrDash(s.receivers.seen)})` : ''}, sender ${s.senderFirstFrameMs === null ? '-' : `${Math.round(s.senderFirstFrameMs)} ms`}${s.phases ? ` ${JSON.stringify(roundAll(s.phases))} ${JSON.stringify(s.sources)}` : ''}${s.details ? ` steps ${JSON.stringify(roundAll(s.details))}` : ''}`,
    );
  return samples;
}

const args = parseArgs(process.argv.slice(2));
const loadAtStart = loadavg();
const portrait = makePortraitCamera().file;
const builds: Build[] = [];
const receiverBrowsers: LaunchedBrowser[] = [];
const samples: Sample[] = [];
try {
  if (args.before)
    builds.push({
      name: 'before',
      server: await startTestServer({ LOG_LEVEL: 'info', STATIC_DIR: args.before }),
    });
  builds.push({
    name: 'after',
    server: await startTestServer({ LOG_LEVEL: 'info', STATIC_DIR: join(ROOT, 'packages/app/dist') }),
  });
  for (const color of ['red', 'blue'] as const)
    receiverBrowsers.push(await launchChromium({ fakeCamera: makeCamera(color).file }));
  for (let run = 0; run < args.runs; run++) {
    for (const build of builds)
      samples.push(...(await runBuild(build, run, receiverBrowsers, portrait, args)));
  }
} finally {
  await Promise.all(receiverBrowsers.map((b) => b.close()));
  await Promise.all(builds.map((b) => b.server.stop()));
}

const summaries = summarize(samples);
const conditions = {
  what: 'start -> first frame with the background removed at BOTH other participants of a 3-person call',
  scenarios: SCENARIO_TEXT,
  runs: args.runs,
  scenariosRun: args.scenarios,
  builds: builds.map((b) => b.name),
  before: args.before,
  machine: `${cpus().length} cores (${cpus()[0]?.model}), no GPU (WebGL is SwiftShader)`,
  browser: `headless Debian Chromium, flags in test/support/chromium.ts (${CHROMIUM_ARGS.length})`,
  cameras: 'sender: astronaut portrait 640x480 15 fps y4m; receivers: 640x480 15 fps colour quadrants',
  network: 'loopback-only network namespace, real server + Janus',
  senderLink:
    args.linkMbit === null
      ? 'loopback'
      : `${args.linkMbit} Mbit/s, ${LINK_LATENCY_MS} ms latency (DevTools network conditions, HTTP only)`,
  loadAverageAtStart: loadAtStart.map((l) => Math.round(l * 100) / 100),
  loadAverageAtEnd: loadavg().map((l) => Math.round(l * 100) / 100),
};
console.log(`\nstart benchmark: ${conditions.what}`);
for (const [k, v] of Object.entries(SCENARIO_TEXT)) console.log(`  ${k}: ${v}`);
console.log(
  `conditions: ${conditions.machine}; ${conditions.browser}; ${conditions.cameras}; ${conditions.network}; sender's HTTP link: ${conditions.senderLink}; load average ${conditions.loadAverageAtStart.join(' ')} at start, ${conditions.loadAverageAtEnd.join(' ')} at end`,
);
for (const line of formatSummary(summaries)) console.log(line);
if (args.before) for (const line of ratios(summaries, 'before', 'after')) console.log(line);
if (args.json) {
  await mkdir(dirname(args.json), { recursive: true });
  await writeFile(args.json, `${JSON.stringify({ conditions, summaries, samples }, null, 2)}\n`);
  console.log(`wrote ${args.json}`);
}

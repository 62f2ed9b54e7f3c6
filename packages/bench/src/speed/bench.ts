// Speed benchmark: `npm run bench:speed [-- --json <file>] [--seconds N] [--warmup N]
// [--mem-seconds N] [--size WxH]... [--processor none|backdrop-none|backdrop-blur|backdrop-replace|livekit-blur|livekit-replace]... [--frames <dir>] [--livekit-delegate CPU|GPU]
// [--browser chromium|firefox]...`.
// Each run gets a fresh browser: headless Chromium whose fake camera is a y4m made from real video frames, or
// Firefox ESR (headful on Xvfb) whose page paints the same frames on a captured canvas.
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { startPageServer } from '../support/page-server.js';
import { threadTicksDelta } from '../support/proc-stat.js';
import { treeCpuMs, treePss, treeThreadCpuMs } from '../support/process-tree.js';
import { withTimeout } from '../support/timeout.js';
import { type Args, parseArgs } from './args.js';
import { browserConditions, browserVersion, launchBenchBrowser } from './browsers.js';
import { makeCamera } from './camera.js';
import {
  type BrowserName,
  formatStages,
  formatTable,
  type Processor,
  per,
  percentile,
  round,
  type SpeedRun,
} from './figures.js';
import type { SpeedApi, WindowResult } from './page/main.js';

const here = import.meta.dirname;
const repo = resolve(here, '../../../..');
const benchDir = resolve(here, '../..');

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

function version(pkg: string): string {
  const path = join(repo, 'node_modules', pkg, 'package.json');
  return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
}

/** The camera frames as URLs under the page server's /data/ (Firefox paints them; Chromium reads the y4m). */
function frameUrls(framesDir: string): string[] {
  return readdirSync(framesDir)
    .filter((f) => /^\d+\.(jpe?g|png)$/i.test(f))
    .sort()
    .map((f) => `/data/${encodeURIComponent(f)}`);
}

interface Measured {
  run: SpeedRun;
  details: Record<string, unknown>;
  userAgent: string;
}

async function measure(
  url: string,
  browserName: BrowserName,
  camera: string,
  processor: Processor,
  size: { width: number; height: number },
  args: Args,
): Promise<Measured> {
  const browser = await launchBenchBrowser(browserName, camera);
  let stopSampler = () => {};
  try {
    const page = browser.page;
    await page.goto(url);
    await page.waitFor(() => document.body.dataset.ready === '1');
    const got = await withTimeout(
      page.evaluate((o) => (globalThis as unknown as { speedApi: SpeedApi }).speedApi.start(o), {
        processor,
        ...size,
        ...(args.livekitDelegate ? { livekitDelegate: args.livekitDelegate } : {}),
        ...(browserName === 'firefox' ? { frameUrls: frameUrls(args.frames) } : {}),
      }),
      180_000,
      `starting ${processor}`,
    );
    if (got.width !== size.width || got.height !== size.height)
      throw new Error(`camera is ${got.width}x${got.height}, wanted ${size.width}x${size.height}`);
    const started = Date.now();
    // A memory sample every 10 s tells a plateau (allocator high-water mark) from steady growth (a leak).
    const memTimeline: Array<{ s: number; mb: number | null }> = [];
    const sampler = setInterval(() => {
      void treePss().then((m) =>
        memTimeline.push({ s: Math.round((Date.now() - started) / 1000), mb: round(m?.totalMB, 0) }),
      );
    }, 10_000);
    stopSampler = () => clearInterval(sampler);
    await sleep(args.warmup * 1000);
    const threads0 = await treeThreadCpuMs();
    const cpu0 = await treeCpuMs();
    const mem0 = await treePss();
    const heap0 = await page.evaluate(
      () => (globalThis as unknown as { speedApi: SpeedApi }).speedApi.jsHeapMB(),
      null,
    );
    await page.evaluate(() => (globalThis as unknown as { speedApi: SpeedApi }).speedApi.mark(), null);
    await sleep(args.seconds * 1000);
    const w: WindowResult = await page.evaluate(
      () => (globalThis as unknown as { speedApi: SpeedApi }).speedApi.read(),
      null,
    );
    const cpu1 = await treeCpuMs();
    const threads1 = await treeThreadCpuMs();
    // Where the CPU of a delivered frame went, by thread (the effects worker, the camera, the page, the GPU).
    const cpuByThread = threadTicksDelta(threads0, threads1)
      .slice(0, 8)
      .map(({ name, ticks }) => ({ thread: name, msPerFrame: round(per(ticks, w.framesOut), 2) }));
    // Memory growth (leaks) shows over a longer span than the measuring window: keep running until memSeconds.
    await sleep(Math.max(0, started + args.memSeconds * 1000 - Date.now()));
    stopSampler();
    const mem1 = await treePss();
    const heap1 = await page.evaluate(
      () => (globalThis as unknown as { speedApi: SpeedApi }).speedApi.jsHeapMB(),
      null,
    );
    const memAfterS = (Date.now() - started) / 1000;
    const userAgent = await page.evaluate(() => navigator.userAgent, null);
    const p50 = w.effectStats?.p50 ?? percentile(w.effectMs ?? [], 50);
    const p95 = w.effectStats?.p95 ?? percentile(w.effectMs ?? [], 95);
    const run: SpeedRun = {
      browser: browserName,
      processor,
      ...size,
      fpsIn: round(w.fpsIn),
      fpsOut: round(per(w.framesOut, w.seconds), 2),
      effectMsP50: round(p50),
      effectMsP95: round(p95),
      cpuMsPerFrame: round(per(cpu1 - cpu0, w.framesOut)),
      longTaskMsPerS: round(per(w.longTaskMs, w.seconds)),
      memStartMB: round(mem0?.totalMB, 0),
      memEndMB: round(mem1?.totalMB, 0),
    };
    const details = {
      browser: browserName,
      processor,
      ...size,
      measuredSeconds: round(w.seconds, 2),
      framesOut: w.framesOut,
      // Of the frames the effect made in the window, the share the display showed (1: none lost after it).
      effectFramesOut: w.effectFramesOut,
      shownOfEffectFrames: round(per(w.framesOut, w.effectFramesOut), 3),
      fpsIn: w.fpsInCounted
        ? browserName === 'firefox'
          ? 'counted (canvas paints)'
          : 'counted (track stats)'
        : 'nominal (getSettings)',
      cpuSeconds: round((cpu1 - cpu0) / 1000, 2),
      cpuByThreadMsPerFrame: cpuByThread,
      jsHeapStartMB: round(heap0),
      jsHeapEndMB: round(heap1),
      memEndAfterSeconds: round(memAfterS, 1),
      memStartByTypeMB: mem0?.byTypeMB ?? null,
      memEndByTypeMB: mem1?.byTypeMB ?? null,
      memTimelineMB: memTimeline,
      effectSamples: w.effectMs?.length ?? null,
      backdrop: w.effectStats?.details ?? null,
      pageErrors: page.errors().slice(0, 5),
    };
    return { run, details, userAgent };
  } finally {
    stopSampler();
    await browser.close();
  }
}

async function main(): Promise<void> {
  const args = parseArgs(
    process.argv.slice(2),
    join(repo, '../shared/evaldata/davis2016/rollerblade/images'),
  );
  const load = loadavg();
  const server = await startPageServer({ entry: join(here, 'page/main.ts'), dataDir: args.frames });
  const runs: SpeedRun[] = [];
  const details: Array<Record<string, unknown>> = [];
  const userAgents: Partial<Record<BrowserName, string>> = {};
  try {
    for (const browser of args.browsers) {
      for (const size of args.sizes) {
        const camera = await makeCamera(args.frames, size.width, size.height, join(benchDir, '.cache'));
        for (const processor of args.processors) {
          process.stdout.write(`${browser} ${processor} ${size.width}x${size.height} ... `);
          try {
            const m = await measure(server.url, browser, camera, processor, size, args);
            runs.push(m.run);
            details.push(m.details);
            userAgents[browser] = m.userAgent;
            const shown = m.details.shownOfEffectFrames;
            console.log(
              `${m.run.fpsOut ?? '–'} fps out, effect p50 ${m.run.effectMsP50 ?? '–'} ms, CPU ${m.run.cpuMsPerFrame ?? '–'} ms/frame, ` +
                `${shown === null ? '' : `shown ${m.details.framesOut} of the effect's ${m.details.effectFramesOut} frames, `}load ${loadavg()[0]!.toFixed(1)}`,
            );
          } catch (error) {
            console.log(`failed: ${error instanceof Error ? error.message : String(error)}`);
            details.push({ browser, processor, ...size, error: String(error) });
          }
        }
      }
    }
  } finally {
    await server.close();
  }
  const conditions = {
    date: new Date().toISOString(),
    browsers: Object.fromEntries(
      args.browsers.map((b) => [
        b,
        { version: browserVersion(b), userAgent: userAgents[b] ?? null, ...browserConditions(b) },
      ]),
    ),
    cores: cpus().length,
    cpuModel: cpus()[0]?.model ?? null,
    loadAverageAtStart: load.map((l) => round(l, 2)),
    loadAverageAtEnd: loadavg().map((l) => round(l, 2)),
    livekitDelegate: args.livekitDelegate ?? 'GPU (default)',
    camera: `30 fps from ${args.frames}, scaled to cover and centre-cropped, looped: Chromium reads a y4m as its fake camera; Firefox's page paints the same frames on a canvas (a 30 Hz timer; captureStream() with no rate: every paint a frame)`,
    warmupSeconds: args.warmup,
    measuredSeconds: args.seconds,
    versions: {
      node: process.version,
      '@livekit/track-processors': version('@livekit/track-processors'),
      'livekit @mediapipe/tasks-vision': version(
        '@livekit/track-processors/node_modules/@mediapipe/tasks-vision',
      ),
      'backdrop @mediapipe/tasks-vision': version('@mediapipe/tasks-vision'),
    },
    method: {
      fpsIn:
        'frames the camera track delivered in the window (MediaStreamTrack.stats.totalFrames; Firefox: canvas paints) / seconds; its nominal getSettings().frameRate where stats are missing',
      fpsOut: 'requestVideoFrameCallback count on a <video> showing the output track / window seconds',
      effectMs:
        'backdrop: effect.stats() msPerFrameP50/P95 (worker, last 300 frames); livekit: onFrameProcessed filterTimeMs (segmentation + drawing + new VideoFrame, on the main thread); none: null',
      cpuMsPerFrame:
        'utime+stime (+reaped children) of all browser processes (not Xvfb) from /proc/<pid>/stat over the window / frames out',
      longTaskMsPerS:
        'PerformanceObserver longtask durations on the page main thread / window seconds (none in Firefox)',
      mem: `sum of Pss (/proc/<pid>/smaps_rollup) of all browser processes after the warm-up (start) and ${args.memSeconds} s after the processor started (end; never before the end of the window); JS heap (performance.memory) at the same moments in runDetails`,
      livekit: `livekit-client LocalVideoTrack.setProcessor(BackgroundProcessor(...)), blurRadius 10 / a generated 1280x720 image; local wasm and selfie_segmentation_landscape.tflite; delegate ${args.livekitDelegate ?? 'GPU (its default; SwiftShader software GL here)'}`,
      backdrop:
        'createBackgroundEffect(track, { mode }) with defaults (adaptive budget, measured delegate and back end), blur strength 0.6 / the same image',
    },
    runDetails: details,
  };
  const browsersText = args.browsers
    .map(
      (b) =>
        `${b === 'chromium' ? 'Chromium' : 'Firefox'} ${browserVersion(b) ?? '?'}${b === 'chromium' ? ' headless' : ' headful on Xvfb, software GL'}`,
    )
    .join(', ');
  console.log(
    `\nconditions: ${browsersText}, ${conditions.cores} cores (${conditions.cpuModel}), load average ${conditions.loadAverageAtStart.join(' ')} at start, ${conditions.loadAverageAtEnd.join(' ')} at end, LiveKit delegate ${conditions.livekitDelegate}, ${args.warmup} s warm-up + ${args.seconds} s measured per run\n`,
  );
  for (const b of args.browsers) console.log(`${b} flags: ${browserConditions(b).flags.join(' ')}`);
  console.log('');
  console.log(formatTable(runs));
  const levels = details.flatMap((d) => {
    const backdrop = d.backdrop as {
      budgetLevel?: number;
      budgetQuality?: Record<string, number>;
      budgetDecisions?: { atMs: number; from: number; to: number }[];
      renderer?: string;
      kernels?: string | null;
      pipeline?: string;
      degraded?: string | null;
    } | null;
    if (!backdrop || backdrop.budgetLevel === undefined) return [];
    const q = backdrop.budgetQuality;
    const how = q
      ? ` (model every ${q.segmentEvery} frame(s)${q.mirrorAverage ? ' and on its mirror' : ''}, refinement at ${q.refineScale}x, blur at ${q.blurScale}x${q.frameScale ? `, picture at ${q.frameScale}x` : ''})`
      : '';
    const path = (backdrop.budgetDecisions ?? []).map((x) => `${x.from}->${x.to}`).join(' ');
    return [
      `  ${d.browser} ${d.processor} ${d.width}x${d.height}: level ${backdrop.budgetLevel}${how}; ${backdrop.pipeline} pipeline, ${backdrop.renderer}${backdrop.kernels ? ` (${backdrop.kernels} kernels)` : ''}${backdrop.degraded ? `; degraded: ${backdrop.degraded}` : ''}${path ? `; level changes (last 16): ${path}` : ''}`,
    ];
  });
  if (levels.length > 0)
    console.log(
      `\nBackdrop's frame-budget level at the end of each run (0 = full quality):\n${levels.join('\n')}`,
    );
  const stages = details.flatMap((d) => {
    const backdrop = d.backdrop as {
      renderer?: string;
      msPerStage?: Record<string, number>;
      rendererMeasuredMs?: Record<string, number>;
    } | null;
    if (!backdrop?.msPerStage) return [];
    return [`  ${formatStages(`${d.browser} ${d.processor} ${d.width}x${d.height}`, backdrop)}`];
  });
  if (stages.length > 0)
    console.log(
      `\nBackdrop's ms per stage (moving averages in the worker; segment counts only frames that ran the model; input and inference are parts of segment/mirror/square, not added: the model's input picture, and the model's runs alone):\n${stages.join('\n')}`,
    );
  const threads = details.flatMap((d) => {
    const list = d.cpuByThreadMsPerFrame as Array<{ thread: string; msPerFrame: number | null }> | undefined;
    if (!list || list.length === 0) return [];
    return [
      `  ${d.browser} ${d.processor} ${d.width}x${d.height}: ${list
        .slice(0, 6)
        .map((t) => `${t.thread} ${t.msPerFrame ?? '–'}`)
        .join(', ')}`,
    ];
  });
  if (threads.length > 0)
    console.log(
      `\nCPU ms per delivered frame by thread (process type:thread name; the largest six):\n${threads.join('\n')}`,
    );
  if (args.json) {
    await mkdir(dirname(args.json), { recursive: true });
    await writeFile(args.json, `${JSON.stringify({ runs, conditions }, null, 2)}\n`);
    console.log(`\nwrote ${args.json}`);
  }
}

main().catch((error: unknown) => {
  console.error(`bench:speed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});

// Speed benchmark: `npm run bench:speed [-- --json <file>] [--seconds N] [--warmup N]
// [--mem-seconds N] [--size WxH]... [--processor none|backdrop-blur|backdrop-replace|livekit-blur|livekit-replace]... [--frames <dir>] [--livekit-delegate CPU|GPU]`.
// Each run gets a fresh headless Chromium whose fake camera is a y4m made from real video frames.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { CHROMIUM_ARGS, CHROMIUM_PATH, launchChromium } from '../../../../test/support/chromium.js';
import { startPageServer } from '../support/page-server.js';
import { treeCpuMs, treePss } from '../support/process-tree.js';
import { type Args, parseArgs } from './args.js';
import { makeCamera } from './camera.js';
import {
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

/** page.evaluate never times out by itself: a processor that never starts must fail the run, not hang it. */
async function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took over ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function version(pkg: string): string {
  const path = join(repo, 'node_modules', pkg, 'package.json');
  return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
}

function chromiumVersion(): string | null {
  try {
    const text = execFileSync(CHROMIUM_PATH, ['--version'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return /(\d+\.\d+\.\d+\.\d+)/.exec(text)?.[1] ?? null;
  } catch {
    return null;
  }
}

interface Measured {
  run: SpeedRun;
  details: Record<string, unknown>;
  userAgent: string;
}

async function measure(
  url: string,
  camera: string,
  processor: Processor,
  size: { width: number; height: number },
  args: Args,
): Promise<Measured> {
  const browser = await launchChromium({ fakeCamera: camera });
  let stopSampler = () => {};
  try {
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(url);
    await page.waitForFunction(() => document.body.dataset.ready === '1');
    const got = await withTimeout(
      page.evaluate((o) => (globalThis as unknown as { speedApi: SpeedApi }).speedApi.start(o), {
        processor,
        ...size,
        ...(args.livekitDelegate ? { livekitDelegate: args.livekitDelegate } : {}),
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
    const cpu0 = await treeCpuMs();
    const mem0 = await treePss();
    const heap0 = await page.evaluate(() =>
      (globalThis as unknown as { speedApi: SpeedApi }).speedApi.jsHeapMB(),
    );
    await page.evaluate(() => (globalThis as unknown as { speedApi: SpeedApi }).speedApi.mark());
    await sleep(args.seconds * 1000);
    const w: WindowResult = await page.evaluate(() =>
      (globalThis as unknown as { speedApi: SpeedApi }).speedApi.read(),
    );
    const cpu1 = await treeCpuMs();
    // Memory growth (leaks) shows over a longer span than the measuring window: keep running until memSeconds.
    await sleep(Math.max(0, started + args.memSeconds * 1000 - Date.now()));
    stopSampler();
    const mem1 = await treePss();
    const heap1 = await page.evaluate(() =>
      (globalThis as unknown as { speedApi: SpeedApi }).speedApi.jsHeapMB(),
    );
    const memAfterS = (Date.now() - started) / 1000;
    const userAgent = await page.evaluate(() => navigator.userAgent);
    const p50 = w.effectStats?.p50 ?? percentile(w.effectMs ?? [], 50);
    const p95 = w.effectStats?.p95 ?? percentile(w.effectMs ?? [], 95);
    const run: SpeedRun = {
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
      processor,
      ...size,
      measuredSeconds: round(w.seconds, 2),
      framesOut: w.framesOut,
      fpsIn: w.fpsInCounted ? 'counted (track stats)' : 'nominal (getSettings)',
      cpuSeconds: round((cpu1 - cpu0) / 1000, 2),
      jsHeapStartMB: round(heap0),
      jsHeapEndMB: round(heap1),
      memEndAfterSeconds: round(memAfterS, 1),
      memStartByTypeMB: mem0?.byTypeMB ?? null,
      memEndByTypeMB: mem1?.byTypeMB ?? null,
      memTimelineMB: memTimeline,
      effectSamples: w.effectMs?.length ?? null,
      backdrop: w.effectStats?.details ?? null,
      pageErrors: errors.slice(0, 5),
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
  const server = await startPageServer({ entry: join(here, 'page/main.ts') });
  const runs: SpeedRun[] = [];
  const details: Array<Record<string, unknown>> = [];
  let userAgent = '';
  try {
    for (const size of args.sizes) {
      const camera = await makeCamera(args.frames, size.width, size.height, join(benchDir, '.cache'));
      for (const processor of args.processors) {
        process.stdout.write(`${processor} ${size.width}x${size.height} ... `);
        try {
          const m = await measure(server.url, camera, processor, size, args);
          runs.push(m.run);
          details.push(m.details);
          userAgent = m.userAgent;
          console.log(
            `${m.run.fpsOut ?? '–'} fps out, effect p50 ${m.run.effectMsP50 ?? '–'} ms, CPU ${m.run.cpuMsPerFrame ?? '–'} ms/frame`,
          );
        } catch (error) {
          console.log(`failed: ${error instanceof Error ? error.message : String(error)}`);
          details.push({ processor, ...size, error: String(error) });
        }
      }
    }
  } finally {
    await server.close();
  }
  const conditions = {
    date: new Date().toISOString(),
    chromium: chromiumVersion() ?? /Chrome\/([\d.]+)/.exec(userAgent)?.[1] ?? null,
    headless: true,
    flags: [
      ...CHROMIUM_ARGS,
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      '--use-file-for-fake-video-capture=<y4m>',
    ],
    cores: cpus().length,
    cpuModel: cpus()[0]?.model ?? null,
    loadAverageAtStart: load.map((l) => round(l, 2)),
    loadAverageAtEnd: loadavg().map((l) => round(l, 2)),
    livekitDelegate: args.livekitDelegate ?? 'GPU (default)',
    camera: `y4m 30 fps from ${args.frames}, scaled to cover and centre-cropped, looped by Chromium`,
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
        'frames the camera track delivered in the window (MediaStreamTrack.stats.totalFrames) / seconds; its nominal getSettings().frameRate where stats are missing',
      fpsOut: 'requestVideoFrameCallback count on a <video> showing the output track / window seconds',
      effectMs:
        'backdrop: effect.stats() msPerFrameP50/P95 (worker, last 300 frames); livekit: onFrameProcessed filterTimeMs (segmentation + drawing + new VideoFrame, on the main thread); none: null',
      cpuMsPerFrame:
        'utime+stime (+reaped children) of all Chromium processes from /proc/<pid>/stat over the window / frames out',
      longTaskMsPerS: 'PerformanceObserver longtask durations on the page main thread / window seconds',
      mem: `sum of Pss (/proc/<pid>/smaps_rollup) of all Chromium processes after the warm-up (start) and ${args.memSeconds} s after the processor started (end; never before the end of the window); JS heap (performance.memory) at the same moments in runDetails`,
      livekit: `livekit-client LocalVideoTrack.setProcessor(BackgroundProcessor(...)), blurRadius 10 / a generated 1280x720 image; local wasm and selfie_segmentation_landscape.tflite; delegate ${args.livekitDelegate ?? 'GPU (its default; SwiftShader software GL here)'}`,
      backdrop:
        'createBackgroundEffect(track, { mode }) with defaults (adaptive budget, measured delegate and back end), blur strength 0.6 / the same image',
    },
    runDetails: details,
  };
  console.log(
    `\nconditions: Chromium ${conditions.chromium} headless, ${conditions.cores} cores (${conditions.cpuModel}), load average ${conditions.loadAverageAtStart.join(' ')} at start, ${conditions.loadAverageAtEnd.join(' ')} at end, LiveKit delegate ${conditions.livekitDelegate}, ${args.warmup} s warm-up + ${args.seconds} s measured per run\n`,
  );
  console.log(`flags: ${conditions.flags.join(' ')}\n`);
  console.log(formatTable(runs));
  const levels = details.flatMap((d) => {
    const backdrop = d.backdrop as { budgetLevel?: number; budgetQuality?: Record<string, number> } | null;
    if (!backdrop || backdrop.budgetLevel === undefined) return [];
    const q = backdrop.budgetQuality;
    const how = q
      ? ` (model every ${q.segmentEvery} frame(s), refinement at ${q.refineScale}x, blur at ${q.blurScale}x)`
      : '';
    return [`  ${d.processor} ${d.width}x${d.height}: level ${backdrop.budgetLevel}${how}`];
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
    return [`  ${formatStages(`${d.processor} ${d.width}x${d.height}`, backdrop)}`];
  });
  if (stages.length > 0)
    console.log(
      `\nBackdrop's ms per stage (moving averages in the worker; segment counts only frames that ran the model):\n${stages.join('\n')}`,
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

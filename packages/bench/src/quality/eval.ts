// Quality benchmark: `npm run eval -- --data <dir> [--out <dir>] [--processor backdrop|raw|livekit]... [--limit N]
// [--group TEXT]...`. Runs each processor over every group of a dataset (or the groups whose name contains one of
// the --group texts) in headless Chromium and writes summary.json, frames.json (every frame's scores) and
// report.html. While iterating, a subset (`--group breakdance --processor backdrop --processor raw`) takes a
// fraction of the full run's time.
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { CHROMIUM_ARGS, launchChromium } from '../../../../test/support/chromium.js';
import { buildBenchPage } from '../support/page-build.js';
import { serveStatic } from '../support/static-server.js';
import { discoverGroups, selectGroups } from './dataset.js';
import type { Mask } from './metrics.js';
import type { FrameResult } from './page/runners.js';
import { readTruth, type Summary, writeOverlay, writeReport } from './report.js';
import { decodeRle } from './rle.js';
import { type FrameScore, scoreFrame, summarize } from './score.js';

const PROCESSORS = ['backdrop', 'raw', 'livekit'] as const;
type Processor = (typeof PROCESSORS)[number];
const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../../..');

interface Args {
  data: string;
  out: string;
  processors: Processor[];
  limit: number;
  /** Keep only the groups whose name contains one of these (all groups when empty). */
  groups: string[];
}

const USAGE =
  'usage: eval --data <dir> [--out <dir>] [--processor backdrop|raw|livekit]... [--limit N] [--group TEXT]...';

function parseArgs(argv: string[]): Args {
  let data: string | undefined;
  const groups: string[] = [];
  let out: string | undefined;
  let limit = Number.POSITIVE_INFINITY;
  const processors: Processor[] = [];
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[++i];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === '--data') data = value;
    else if (flag === '--out') out = value;
    else if (flag === '--limit') limit = Number(value);
    else if (flag === '--group') groups.push(value);
    else if (flag === '--processor') {
      if (!(PROCESSORS as readonly string[]).includes(value))
        throw new Error(`--processor must be one of ${PROCESSORS.join(', ')}`);
      processors.push(value as Processor);
    } else throw new Error(`unknown option ${flag}`);
  }
  if (!data) throw new Error(USAGE);
  if (!(limit > 0)) throw new Error('--limit must be a positive number');
  return {
    data: resolve(data),
    out: resolve(out ?? join(root, 'bench-out', `eval-${new Date().toISOString().replace(/[:.]/g, '-')}`)),
    processors: processors.length ? processors : [...PROCESSORS],
    limit,
    groups,
  };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const found = await discoverGroups(args.data);
  for (const p of found.problems) console.warn(`skipped: ${p}`);
  if (found.groups.length === 0)
    throw new Error(`no <group>/images + <group>/masks folders under ${args.data}`);
  const groups = selectGroups(found.groups, args.groups);
  if (groups.length === 0)
    throw new Error(`no group name contains ${args.groups.map((g) => `"${g}"`).join(' or ')}`);
  await mkdir(join(args.out, 'overlays'), { recursive: true });

  const page = await buildBenchPage(join(here, 'page/main.ts'));
  const livekitWasm = join(
    root,
    'node_modules/@livekit/track-processors/node_modules/@mediapipe/tasks-vision/wasm',
  );
  const { url, server } = await serveStatic({
    '/': page.dir,
    '/assets/': page.assetsDir,
    '/livekit/wasm/': livekitWasm,
    '/data/': args.data,
  });
  const browser = await launchChromium();
  const summary: Summary = { processors: {}, conditions: {} };
  const scores: Record<string, FrameScore[]> = {};
  const worst: Record<string, { score: FrameScore; file: string }[]> = {};
  const ran: Record<string, string> = {};
  try {
    const tab: Page = await browser.context.newPage();
    const pageErrors: string[] = [];
    tab.on('pageerror', (e) => pageErrors.push(String(e)));
    if (process.env.EVAL_DEBUG) {
      tab.on('console', (m) => console.log(`[page] ${m.text()}`));
      tab.on('crash', () => console.log('[page] crashed'));
      tab.on('requestfailed', (r) => console.log(`[page] failed ${r.url()}`));
      tab.on('response', (r) => r.status() >= 400 && console.log(`[page] ${r.status()} ${r.url()}`));
    }
    await tab.goto(`${url}/`);
    await tab.waitForFunction(() => document.body.dataset.ready === '1');
    for (const processor of args.processors) {
      const started = Date.now();
      const description = await tab.evaluate(
        (p) => (globalThis as never as { evalApi: { start(p: string): Promise<string> } }).evalApi.start(p),
        processor,
      );
      ran[processor] = description;
      console.log(`${processor}: ${description}`);
      const all: FrameScore[] = [];
      const kept: { score: FrameScore; pred: Mask; truth: Mask; image: string }[] = [];
      summary.processors[processor] = { groups: {}, overall: summarize([]) };
      for (const group of groups) {
        const frames = group.frames.slice(0, args.limit);
        const groupScores: FrameScore[] = [];
        let previous: { pred: Mask; truth: Mask } | null = null;
        for (const [i, frame] of frames.entries()) {
          const imageUrl = `/data/${relative(args.data, frame.image).split('\\').join('/')}`;
          const timestampMs = group.sequence ? (i * 1000) / 30 : i * 1000;
          const reset = !group.sequence || i === 0;
          const result: FrameResult = await tab.evaluate(
            ([u, t, r]) =>
              (
                globalThis as never as {
                  evalApi: { process(u: string, t: number, r: boolean): Promise<FrameResult> };
                }
              ).evalApi.process(u, t, r),
            [imageUrl, timestampMs, reset] as const,
          );
          const truth = await readTruth(frame.mask);
          if (truth.width !== result.width || truth.height !== result.height) {
            throw new Error(
              `${group.name}/${frame.stem}: mask is ${truth.width}x${truth.height}, image ${result.width}x${result.height}`,
            );
          }
          const pred: Mask = {
            width: result.width,
            height: result.height,
            data: decodeRle(result.runs, result.width * result.height),
          };
          const score = scoreFrame(
            { group: group.name, stem: frame.stem, ms: result.ms },
            pred,
            truth,
            group.sequence ? previous : null,
          );
          groupScores.push(score);
          previous = { pred, truth };
          kept.push({ score, pred, truth, image: frame.image });
          kept.sort((a, b) => a.score.iou - b.score.iou);
          kept.length = Math.min(kept.length, 5);
        }
        summary.processors[processor]!.groups[group.name] = summarize(groupScores);
        all.push(...groupScores);
        const g = summary.processors[processor]!.groups[group.name]!;
        console.log(
          `${processor.padEnd(8)} ${group.name.padEnd(28)} frames ${String(g.frames).padStart(3)}  IoU ${(g.iou * 100).toFixed(1)}%  boundary F ${(g.boundaryF * 100).toFixed(1)}%  flicker ${g.flickerPct === null ? '  -  ' : `${g.flickerPct.toFixed(2)}%`}  ${g.msPerFrame.toFixed(1)} ms/frame`,
        );
        const stages = await tab.evaluate(() =>
          (globalThis as never as { evalApi: { stages(): Record<string, number> | null } }).evalApi.stages(),
        );
        if (stages) {
          // Moving averages (the last ~10 frames weigh most); segment/mirror/square count only model frames.
          const ran = Object.entries(stages).filter(([, ms]) => ms > 0);
          console.log(
            `${''.padEnd(9)}stages (ms, moving averages): ${ran.map(([s, ms]) => `${s} ${ms}`).join(', ')}`,
          );
          summary.processors[processor]!.groups[group.name]!.msPerStage = stages;
        }
      }
      summary.processors[processor]!.overall = summarize(all);
      scores[processor] = all;
      worst[processor] = [];
      for (const [n, k] of kept.entries()) {
        const file = `overlays/${processor}-${n + 1}-${k.score.group.replace(/\//g, '_')}-${k.score.stem}.png`;
        await writeOverlay(k.image, k.pred, k.truth, join(args.out, file));
        worst[processor]!.push({ score: k.score, file });
      }
      console.log(
        `${processor}: overall IoU ${(summary.processors[processor]!.overall.iou * 100).toFixed(1)}% in ${((Date.now() - started) / 1000).toFixed(0)} s`,
      );
    }
    await tab.evaluate(() => (globalThis as never as { evalApi: { stop(): void } }).evalApi.stop());
    summary.conditions = {
      date: new Date().toISOString(),
      dataset: args.data,
      groups: groups.map((g) => ({
        name: g.name,
        sequence: g.sequence,
        frames: Math.min(g.frames.length, args.limit),
      })),
      browser: `Chromium ${browser.context.browser()?.version() ?? '?'} headless, ${CHROMIUM_ARGS.join(' ')}`,
      cores: cpus().length,
      cpu: cpus()[0]?.model,
      threshold: 0.5,
      boundaryTolerance: '0.008 x image diagonal',
      sequenceTimestamps: '30 fps',
      backdrop: 'createMaskProcessor (same Engine as the live effect), adaptive quality off, delegate auto',
      raw: 'the same model output, bilinear upsampling to the image size, no refinement; ms includes the whole call',
      livekit:
        '@livekit/track-processors 0.8.1 BackgroundProcessor virtual-background, default options (GPU delegate), local tasks-vision 0.10.14 wasm, model selfie_segmentation_landscape.tflite (the default model URL is on a Google host and cannot be fetched here); mask recovered from a flat #00ff00 background',
      ran,
      pageErrors,
    };
    // Every frame's scores, per processor: which frames a change helps or hurts (a mean hides a few lost frames).
    await writeFile(join(args.out, 'frames.json'), `${JSON.stringify(scores, null, 1)}\n`);
    await writeFile(join(args.out, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
    await writeReport(
      args.out,
      summary,
      scores,
      worst,
      groups.filter((g) => g.sequence).map((g) => g.name),
    );
    console.log(`\nwrote ${join(args.out, 'summary.json')} and report.html`);
  } finally {
    await browser.close();
    server.close();
  }
}

main().catch((error: unknown) => {
  console.error(`eval: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

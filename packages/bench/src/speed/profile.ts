// Worker profile: `npm run bench:profile [-- --processor backdrop-blur|backdrop-replace] [--size WxH]
// [--seconds N] [--warmup N] [--top N] [--json file]`.
// Runs the speed bench's page in headless Chromium (the same y4m fake camera), waits out the warm-up, then takes
// a V8 CPU profile of the effects worker (DevTools, 100 µs sampling) and prints self time per delivered frame by
// kind of code (the model's TFLite wasm, our wasm kernels, our JS, the browser's natives, GC) and by function.
// What the stages' timers cannot show: time inside natives (VideoFrame, copyTo, close) and in allocation
// (a fresh 147 KB Float32Array per inference cost ~0.5 ms in Chromium's worker, ~0.002 ms in Node).
// A profile is a diagnosis, not a speed figure: sampling slows the worker a little; compare within one run.
import { writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { launchChromium } from '../../../../test/support/chromium.js';
import { KERNELS_WASM_BASE64 } from '../../../effects/src/mask/wasm/kernels-bytes.js';
import { startPageServer } from '../support/page-server.js';
import { withTimeout } from '../support/timeout.js';
import { browserVersion } from './browsers.js';
import { makeCamera } from './camera.js';
import type { SpeedApi } from './page/main.js';
import { type CpuProfile, summarizeProfile, wasmExportNames } from './profile-summary.js';

const here = import.meta.dirname;
const repo = resolve(here, '../../../..');
const benchDir = resolve(here, '../..');

interface Args {
  processor: 'backdrop-blur' | 'backdrop-replace';
  width: number;
  height: number;
  seconds: number;
  warmup: number;
  top: number;
  json: string | null;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = {
    processor: 'backdrop-blur',
    width: 1280,
    height: 720,
    seconds: 8,
    warmup: 5,
    top: 25,
    json: null,
  };
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i]!;
    const value = argv[i + 1];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === '--processor') {
      if (value !== 'backdrop-blur' && value !== 'backdrop-replace')
        throw new Error('--processor must be backdrop-blur or backdrop-replace');
      args.processor = value;
    } else if (flag === '--size') {
      const match = /^(\d{2,4})x(\d{2,4})$/.exec(value);
      if (!match) throw new Error('--size wants WIDTHxHEIGHT, e.g. 1280x720');
      args.width = Number(match[1]);
      args.height = Number(match[2]);
    } else if (flag === '--seconds') args.seconds = Number(value);
    else if (flag === '--warmup') args.warmup = Number(value);
    else if (flag === '--top') args.top = Number(value);
    else if (flag === '--json') args.json = resolve(value);
    else throw new Error(`unknown option ${flag} (--processor, --size, --seconds, --warmup, --top, --json)`);
  }
  if (!(args.seconds > 0 && args.seconds <= 120) || !(args.warmup >= 0 && args.warmup <= 120))
    throw new Error('--seconds must be in (0, 120] and --warmup in [0, 120]');
  if (!(Number.isInteger(args.top) && args.top > 0)) throw new Error('--top must be a positive integer');
  return args;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const frames = join(repo, '../shared/evaldata/davis2016/rollerblade/images');
  const camera = await makeCamera(frames, args.width, args.height, join(benchDir, '.cache'));
  const server = await startPageServer({ entry: join(here, 'page/main.ts'), dataDir: frames });
  const browser = await launchChromium({ fakeCamera: camera });
  const loadStart = loadavg();
  try {
    const page = await browser.context.newPage();
    await page.goto(server.url);
    await page.waitForFunction(() => document.body.dataset.ready === '1');
    const cdp = await browser.context.newCDPSession(page);
    // The worker's own session, through the page's (Playwright's session has no child sessions of its own).
    const workers: string[] = [];
    cdp.on('Target.attachedToTarget', (e) => {
      if (e.targetInfo.type === 'worker' && e.targetInfo.url.includes('effects-worker'))
        workers.push(e.sessionId);
    });
    let nextId = 1;
    const waiting = new Map<number, { resolve: (m: unknown) => void; reject: (e: Error) => void }>();
    cdp.on('Target.receivedMessageFromTarget', (e) => {
      const m = JSON.parse(e.message) as { id?: number; result?: unknown; error?: { message: string } };
      const w = m.id === undefined ? undefined : waiting.get(m.id);
      if (!w) return;
      waiting.delete(m.id!);
      if (m.error) w.reject(new Error(m.error.message));
      else w.resolve(m.result);
    });
    // A worker that died never answers: each reply is waited for at most 30 s (Profiler.stop's, which carries
    // the whole profile, 150 s).
    const toWorker = <T>(sessionId: string, method: string, params: object = {}, ms = 30_000) => {
      const id = nextId++;
      const reply = new Promise<T>((resolve, reject) => {
        waiting.set(id, { resolve: resolve as (m: unknown) => void, reject });
        cdp
          .send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) })
          .catch(reject);
      });
      return withTimeout(reply, ms, `the worker's ${method}`).finally(() => waiting.delete(id));
    };
    const size = await withTimeout(
      page.evaluate((o) => (globalThis as unknown as { speedApi: SpeedApi }).speedApi.start(o), {
        processor: args.processor,
        width: args.width,
        height: args.height,
      }),
      180_000,
      `starting ${args.processor}`,
    );
    if (size.width !== args.width || size.height !== args.height)
      throw new Error(`camera is ${size.width}x${size.height}, wanted ${args.width}x${args.height}`);
    await cdp.send('Target.setAutoAttach', {
      autoAttach: true,
      waitForDebuggerOnStart: false,
      flatten: false,
    });
    await sleep(args.warmup * 1000);
    const worker = workers[0];
    if (!worker) throw new Error('the effects worker did not show up');
    await toWorker(worker, 'Profiler.enable');
    await toWorker(worker, 'Profiler.setSamplingInterval', { interval: 100 });
    await page.evaluate(() => (globalThis as unknown as { speedApi: SpeedApi }).speedApi.mark(), null);
    await toWorker(worker, 'Profiler.start');
    await sleep(args.seconds * 1000);
    const { profile } = await toWorker<{ profile: CpuProfile }>(worker, 'Profiler.stop', {}, 150_000);
    const window = await page.evaluate(
      () => (globalThis as unknown as { speedApi: SpeedApi }).speedApi.read(),
      null,
    );
    const level = (window.effectStats?.details.budgetLevel as number | null | undefined) ?? null;
    const kernelNames = wasmExportNames(new Uint8Array(Buffer.from(KERNELS_WASM_BASE64, 'base64')));
    const summary = summarizeProfile(profile, (url) => url.startsWith('wasm://'), kernelNames);
    const frames = window.framesOut;
    const perFrame = (ms: number) => (frames > 0 ? ms / frames : Number.NaN);
    const cpu = cpus();
    const conditions = {
      machine: `${cpu.length} cores (${cpu[0]?.model.trim() ?? 'unknown'})`,
      chromium: browserVersion('chromium'),
      processor: args.processor,
      size: `${args.width}x${args.height}`,
      warmupS: args.warmup,
      seconds: args.seconds,
      samplingUs: 100,
      loadAverage: { start: loadStart, end: loadavg() },
    };
    console.log(
      `worker CPU profile: ${args.processor} ${args.width}x${args.height}, ${frames} frames out in ${window.seconds.toFixed(1)} s` +
        ` (${(frames / window.seconds).toFixed(1)} fps), budget level at the end ${level ?? '?'}; ${conditions.machine},` +
        ` Chromium ${conditions.chromium}, load ${loadStart.map((l) => l.toFixed(2)).join(' ')} -> ${conditions.loadAverage.end.map((l) => l.toFixed(2)).join(' ')}`,
    );
    console.log('self time per delivered frame, by kind of code (ms):');
    for (const [kind, ms] of Object.entries(summary.byKind))
      console.log(`  ${kind.padEnd(22)} ${perFrame(ms).toFixed(3).padStart(8)}`);
    console.log(`by function (top ${args.top}; ms per frame, share of the busy time):`);
    const busy = summary.totalMs - summary.byKind.idle;
    for (const f of summary.functions.slice(0, args.top))
      console.log(
        `  ${perFrame(f.ms).toFixed(3).padStart(8)}  ${((100 * f.ms) / busy).toFixed(1).padStart(5)}%  ${f.name}  [${f.kind}]`,
      );
    if (args.json) {
      await writeFile(
        args.json,
        `${JSON.stringify(
          {
            conditions,
            frames,
            seconds: window.seconds,
            level,
            msPerFrameByKind: Object.fromEntries(
              Object.entries(summary.byKind).map(([k, v]) => [k, perFrame(v)]),
            ),
            functions: summary.functions.map((f) => ({ ...f, msPerFrame: perFrame(f.ms) })),
          },
          null,
          2,
        )}\n`,
      );
      console.log(`wrote ${args.json}`);
    }
  } finally {
    await browser.close();
    await server.close();
  }
}

await main();

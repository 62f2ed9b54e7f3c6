// `npm run bench:load`: how many participants one room holds on this machine, audio + video and audio only,
// and how many small rooms at once. Starts the real server and Janus itself (inside scripts/netns.sh), ramps
// werift bots until one of them receives less than 95% of what it should (or joins explode), and writes text,
// `--json` (issue 12's shape) and an HTML report. Every step and the whole run are time-bounded; everything it
// starts is killed on every path, Ctrl-C included.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { ROOT, startTestServer, type TestServer } from '../../../../test/support/server.js';
import { parseLoadArgs } from './args.js';
import { BotPool } from './bot-pool.js';
import { DEFAULT_FIXTURE } from './fixtures.js';
import { findDescendant } from './proc-usage.js';
import { firstStep, nextStep, type Phase, type RampLimits, type StepShape } from './ramp.js';
import { formatText, type LoadReport, renderHtml, toJson } from './report.js';
import { type RoomFill, runStep, type StepContext } from './step.js';

const args = parseLoadArgs(process.argv.slice(2));
const cacheDir = join(ROOT, '.cache/bench-load');
const runDeadline = new AbortController();
const runTimer = setTimeout(
  () => runDeadline.abort(new Error(`run passed --max-minutes ${args.maxMinutes}`)),
  args.maxMinutes * 60_000,
);

let server: TestServer | undefined;
let pool: BotPool | undefined;
let cleaning: Promise<void> | undefined;
/** Stops everything this run started. Idempotent. */
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    clearTimeout(runTimer);
    pool?.kill();
    await server?.stop();
  })();
  return cleaning;
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping the bots, the browser, the server and Janus`);
    runDeadline.abort(new Error(signal));
    void cleanup().finally(() => process.exit(130));
  });
}
// Last resort if something throws past the finally: no bot process or server may outlive the bench.
process.once('exit', () => {
  pool?.kill();
  if (server && server.process.exitCode === null) server.process.kill('SIGKILL');
});

function version(cmd: string, argv: string[]): string {
  try {
    return execFileSync(cmd, argv, { encoding: 'utf8', timeout: 10_000 }).trim().split('\n')[0]!;
  } catch {
    return 'unknown';
  }
}

const limits: RampLimits = {
  minReceivedRatio: args.minRatio,
  joinP95LimitMs: args.joinP95LimitMs,
  maxParticipantsPerRoom: args.maxParticipants,
  maxRooms: args.maxRooms,
  participantsStep: args.step,
  roomsStep: 1,
  roomSize: args.roomSize,
  attempts: args.attempts,
};

const report: LoadReport = { steps: [], details: [], conditions: {} };
try {
  const started = Date.now();
  const loadAtStart = loadavg()[0]!;
  pool = await BotPool.start(args.botProcesses, cacheDir);
  const maxBots = Math.max(args.maxParticipants, args.maxRooms * args.roomSize) + 10;
  server = await startTestServer({
    LOG_LEVEL: 'info',
    SHUTDOWN_DRAIN_MS: '0',
    MAX_PARTICIPANTS_PER_ROOM: '100',
    MAX_PARTICIPANTS: String(Math.max(2000, maxBots)),
    MAX_ROOMS: '500',
    // Every bot connects from 127.0.0.1: the per-address limits would otherwise refuse the ramp.
    MAX_CONNECTIONS_PER_ADDRESS: String(maxBots),
    JOINS_PER_MINUTE_PER_ADDRESS: '1000000',
    ROOM_CREATIONS_PER_MINUTE_PER_ADDRESS: '1000000',
    MESSAGES_PER_SECOND: '1000',
  });
  const serverPid = server.process.pid!;
  const janusPid = await findDescendant(serverPid, 'janus');
  if (janusPid === undefined) throw new Error('no janus process below the server');
  const f = DEFAULT_FIXTURE;
  report.conditions = {
    date: new Date(started).toISOString(),
    machine: `${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    loadAverageAtStart: Number(loadAtStart.toFixed(2)),
    node: process.version,
    janus: version('dpkg-query', ['-W', '-f', '$' + '{Version}', 'janus']),
    bots: `werift 0.25.2 in ${args.botProcesses} Node process(es), on this machine`,
    media: `per bot: VP8 ${f.width}x${f.height} ${f.fps} fps ~${f.videoKbps} kb/s (${pool.packetsPerSecond.video.toFixed(1)} pkt/s) + Opus ${f.audioKbps} kb/s 20 ms (${pool.packetsPerSecond.audio.toFixed(1)} pkt/s), pre-encoded by ffmpeg (libvpx/libopus) into ${cacheDir}`,
    browser: args.browser
      ? `${version('/usr/bin/chromium', ['--version'])}, headless, joins room 0 of each video step (not counted in participants)`
      : 'off',
    network: 'loopback-only network namespace (scripts/netns.sh)',
    server: 'P2P off (two-person rooms too go through Janus), RESUME_WINDOW_MS 0, per-address limits raised',
    windowS: args.seconds,
    settleS: args.settle,
    minReceivedRatio: args.minRatio,
    roomSize: args.roomSize,
  };
  const runId = Date.now().toString(36);
  for (const phase of args.phases as Phase[]) {
    let shape: StepShape = firstStep(phase, limits);
    let attempt = 1;
    const fill: RoomFill = [];
    for (;;) {
      if (runDeadline.signal.aborted) break;
      const stepAbort = new AbortController();
      const stepTimer = setTimeout(
        () => stepAbort.abort(new Error(`step passed --step-timeout-s ${args.stepTimeoutS}`)),
        args.stepTimeoutS * 1000,
      );
      const ctx: StepContext = {
        pool,
        wsUrl: server.wsUrl,
        appUrl: server.url,
        serverPid,
        janusPid,
        runId,
        seconds: args.seconds,
        settleS: args.settle,
        joinTimeoutMs: args.joinTimeoutMs,
        browser: args.browser,
        signal: AbortSignal.any([stepAbort.signal, runDeadline.signal]),
      };
      let timedOut = false;
      try {
        const result = await runStep(ctx, phase, shape, fill);
        if (attempt > 1) {
          // A retry joins nobody: it keeps the join times of the window it measures again.
          const previous = report.steps.at(-1);
          result.json.joinMsP50 = previous?.joinMsP50 ?? null;
          result.json.joinMsP95 = previous?.joinMsP95 ?? null;
          result.detail.notes.unshift(`window ${attempt} at this size`);
        }
        report.steps.push(result.json);
        report.details.push(result.detail);
        console.log(
          `${phase} ${shape.rooms}x${shape.participantsPerRoom}: recv min ${result.json.receivedRatioMin === null ? '–' : (result.json.receivedRatioMin * 100).toFixed(1)}%, join p95 ${result.json.joinMsP95?.toFixed(0) ?? '–'} ms, janus ${result.json.janusCpuPct.toFixed(0)}%, server ${result.json.serverCpuPct.toFixed(0)}%, bots ${result.detail.botCpuPct.toFixed(0)}%, browser ${result.json.browserFps?.toFixed(1) ?? '–'} fps, load ${result.detail.loadAverage.toFixed(1)}${result.detail.notes.length ? ` [${result.detail.notes.join('; ')}]` : ''}`,
        );
      } catch (error) {
        if (!stepAbort.signal.aborted && !runDeadline.signal.aborted) throw error;
        timedOut = true;
        console.log(`${phase} ${shape.rooms}x${shape.participantsPerRoom}: ${String(error)}`);
      } finally {
        clearTimeout(stepTimer);
      }
      const last = report.details.at(-1);
      const lastJson = report.steps.at(-1);
      const decision = nextStep(
        phase,
        shape,
        {
          receivedRatioMin: timedOut ? null : (lastJson?.receivedRatioMin ?? null),
          joinMsP95: timedOut ? null : (lastJson?.joinMsP95 ?? null),
          lossPct: timedOut ? null : (lastJson?.lossPct ?? null),
          joinFailures: timedOut ? 0 : (last?.joinFailures ?? 0),
          timedOut,
        },
        limits,
        attempt,
      );
      if ('retry' in decision) {
        console.log(`${phase}: measuring again (${decision.retry})`);
        if (last && !timedOut) last.notes.push(`measured again: ${decision.retry}`);
        attempt++;
        continue;
      }
      attempt = 1;
      if ('stop' in decision) {
        if (last && !timedOut) last.stop = decision.stop;
        console.log(`${phase}: stop (${decision.stop})`);
        break;
      }
      shape = decision.next;
    }
    await pool.closeAll();
    // Let Janus and the server tear the rooms down before the next phase measures anything.
    await new Promise((r) => setTimeout(r, 2000));
  }
  if (runDeadline.signal.aborted) console.log(String(runDeadline.signal.reason));
  console.log(`\n${formatText(report)}`);
  mkdirSync(dirname(args.html), { recursive: true });
  writeFileSync(args.html, renderHtml(report));
  console.log(`wrote ${args.html}`);
  if (args.json) {
    mkdirSync(dirname(args.json), { recursive: true });
    writeFileSync(args.json, `${JSON.stringify(toJson(report), null, 2)}\n`);
    console.log(`wrote ${args.json}`);
  }
} finally {
  await cleanup();
}

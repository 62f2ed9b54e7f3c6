// One step of the ramp: bring the rooms to the step's size, let one browser join, measure a window.
import { loadavg } from 'node:os';
import { percentile, windowFigures } from './accounting.js';
import type { BotPool } from './bot-pool.js';
import { BrowserProbe, type FpsReading } from './browser-probe.js';
import { cpuMs, cpuPct, rssMB, udpCounters } from './proc-usage.js';
import type { Phase, StepShape } from './ramp.js';
import type { StepDetail, StepJson } from './report.js';

export interface StepContext {
  pool: BotPool;
  wsUrl: string;
  appUrl: string;
  serverPid: number;
  janusPid: number;
  runId: string;
  seconds: number;
  settleS: number;
  joinTimeoutMs: number;
  browser: boolean;
  /** Aborted when the step or the whole run is out of time. */
  signal: AbortSignal;
}

/** Bots already in each room of the phase (rooms are only grown, never shrunk, within a phase). */
export type RoomFill = number[];

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });

export const roomName = (ctx: StepContext, phase: Phase, index: number) =>
  `load-${ctx.runId}-${phase}-${index}`;

export interface StepResult {
  json: StepJson;
  detail: StepDetail;
}

export async function runStep(
  ctx: StepContext,
  phase: Phase,
  shape: StepShape,
  fill: RoomFill,
): Promise<StepResult> {
  const video = phase !== 'audio';
  const joins: number[] = [];
  let joinFailures = 0;
  const notes: string[] = [];
  // Rooms fill one after the other; joins are sequential, as people arrive.
  for (let room = 0; room < shape.rooms; room++) {
    fill[room] ??= 0;
    while (fill[room]! < shape.participantsPerRoom) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      const result = await ctx.pool.join({
        wsUrl: ctx.wsUrl,
        room: roomName(ctx, phase, room),
        name: `Bot ${room}-${fill[room]}`,
        video,
        timeoutMs: ctx.joinTimeoutMs,
      });
      fill[room]!++;
      if (result.ok) joins.push(result.ms!);
      else {
        joinFailures++;
        if (notes.length < 3) notes.push(`join failed: ${result.error}`);
      }
    }
  }
  let probe: BrowserProbe | undefined;
  try {
    if (ctx.browser && video) {
      try {
        probe = await BrowserProbe.join(
          ctx.appUrl,
          roomName(ctx, phase, 0),
          shape.participantsPerRoom,
          ctx.joinTimeoutMs * 2,
        );
      } catch (error) {
        notes.push(`browser: ${String(error).slice(0, 160)}`);
      }
    }
    await sleep(ctx.settleS * 1000, ctx.signal);
    const botPids = ctx.pool.pids;
    const before = await ctx.pool.counts();
    const cpu0 = await Promise.all([cpuMs([ctx.janusPid]), cpuMs([ctx.serverPid]), cpuMs(botPids)]);
    const udp0 = await udpCounters();
    const t0 = performance.now();
    const [fps] = await Promise.all([
      probe ? probe.measure(ctx.seconds * 1000) : Promise.resolve<FpsReading | undefined>(undefined),
      sleep(ctx.seconds * 1000, ctx.signal),
    ]);
    const after = await ctx.pool.counts();
    const cpu1 = await Promise.all([cpuMs([ctx.janusPid]), cpuMs([ctx.serverPid]), cpuMs(botPids)]);
    const udp1 = await udpCounters();
    const udpDrops = udp0 && udp1 ? udp1.rcvbufErrors - udp0.rcvbufErrors : null;
    // Datagrams the kernel dropped because a reader (bot or Janus) did not drain its socket in time.
    if (udpDrops) notes.push(`${udpDrops} UDP datagrams dropped on full socket buffers`);
    const wallMs = performance.now() - t0;
    const figures = windowFigures(before.bots, after.bots, wallMs / 1000);
    const errors = [...before.errors, ...after.errors];
    if (errors.length > 0) notes.push(`${errors.length} bot error(s), first: ${errors[0]!.slice(0, 120)}`);
    if (figures.streamsSilent > 0) notes.push(`${figures.streamsSilent} stream(s) delivered nothing`);
    const worst = figures.worstStream;
    if (worst && worst.ratio < 0.95)
      notes.push(
        `worst stream ${worst.publisher} -> ${worst.receiver} ${worst.kind} ${(worst.ratio * 100).toFixed(1)}%`,
      );
    return {
      json: {
        rooms: shape.rooms,
        participantsPerRoom: shape.participantsPerRoom,
        video,
        receivedRatioMin: figures.receivedRatioMin,
        lossPct: figures.lossPct,
        joinMsP50: percentile(joins, 50),
        joinMsP95: percentile(joins, 95),
        packetsPerSecIn: figures.packetsPerSecIn,
        packetsPerSecOut: figures.packetsPerSecOut,
        janusCpuPct: cpuPct(cpu0[0]!, cpu1[0]!, wallMs),
        serverCpuPct: cpuPct(cpu0[1]!, cpu1[1]!, wallMs),
        memMB: await rssMB([ctx.janusPid, ctx.serverPid]),
        browserFps: fps ? fps.meanFps : null,
      },
      detail: {
        phase,
        streamsForwarded: figures.streamsForwarded,
        streamsSilent: figures.streamsSilent,
        botCpuPct: cpuPct(cpu0[2]!, cpu1[2]!, wallMs),
        browserFpsMin: fps ? fps.minFps : null,
        joinFailures,
        loadAverage: loadavg()[0]!,
        notes,
      },
    };
  } finally {
    await probe?.close();
  }
}

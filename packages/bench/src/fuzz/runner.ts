/**
 * Drives the mutator against a running server over many WebSockets. Each socket walks the valid sequence
 * (join, publish, subscriberAnswer, leave), sending most steps mutated and some valid so the handlers behind
 * each state are reached; after every window of frames it sends a probe (an unknown type with an id, which the
 * server must answer at once with `bad_message`) and waits for the answer, which paces the run and detects a
 * server that stopped answering. Closed sockets are counted by close code and reopened.
 */
import { readdir, readFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { CLOSE_CODES, ServerMessage } from '@backdrop/protocol';
import WebSocket from 'ws';
import { parseStat } from '../support/proc-stat.js';
import { mutate } from './mutate.js';
import { withFuzzedNode } from './node-param.js';
import { createRng, type Rng } from './prng.js';
import { bump, type Counts, type FuzzReport, type ProcessFigures, percentile } from './report.js';
import { SEED_TYPES, type SeedContext, seedMessage } from './seeds.js';

/** Limits raised for the fuzzed server: the fuzzer is many fast sockets from one address. */
export const FUZZ_LIMITS: Record<string, string> = {
  MESSAGES_PER_SECOND: '100000',
  BAD_MESSAGES_PER_MINUTE: '1000000',
  MAX_CONNECTIONS_PER_ADDRESS: '1000',
  JOINS_PER_MINUTE_PER_ADDRESS: '1000000',
  ROOM_CREATIONS_PER_MINUTE_PER_ADDRESS: '1000000',
  MAX_ROOMS: '10000',
  MAX_PARTICIPANTS: '10000',
};

export interface FuzzOptions {
  /** ws://host:port/ws */
  wsUrl: string;
  /** http://host:port, for /healthz. */
  httpUrl: string;
  /** Mutated frames to send in all. */
  count: number;
  sockets: number;
  seed: string;
  /** The server's pid, to read its RSS and fds (and its Janus child's) from /proc. */
  serverPid?: number;
  /** Limits the server was started with, for the report. */
  limits?: Record<string, string>;
  target?: string;
  /** Frames between probes. */
  window?: number;
  /** Share of sequence steps sent valid rather than mutated. */
  validShare?: number;
  /** The run stops after this long even if `count` was not reached. */
  maxSeconds?: number;
  probeTimeoutMs?: number;
  /** Resolves when the server process exits, with how it ended. */
  serverExit?: Promise<string>;
  onProgress?: (mutations: number) => void;
}

/** Closes a server may use on purpose: CLOSE_CODES (1007 among them, which `ws` sends for invalid UTF-8). */
const DOCUMENTED_CLOSES = new Set<number>(Object.values(CLOSE_CODES));
const DOCUMENTED_NAMES = new Map<number, string>(
  Object.entries(CLOSE_CODES).map(([name, code]) => [code, name] as [number, string]),
);

export async function processFigures(pid: number): Promise<ProcessFigures | null> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const fds = (await readdir(`/proc/${pid}/fd`)).length;
    return { rssKiB: Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0), fds };
  } catch {
    return null;
  }
}

/** The Janus that the server started, if any: a child process named janus. */
async function janusPid(serverPid: number): Promise<number | undefined> {
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = parseStat(await readFile(`/proc/${name}/stat`, 'utf8'));
      if (stat.ppid === serverPid && stat.comm.startsWith('janus')) return stat.pid;
    } catch {
      // exited while we looked
    }
  }
  return undefined;
}

interface Shared {
  options: Required<Pick<FuzzOptions, 'window' | 'validShare' | 'probeTimeoutMs'>> & FuzzOptions;
  left: number;
  stop: boolean;
  mutations: number;
  frames: number;
  validFrames: number;
  errorsByCode: Counts;
  repliesByType: Counts;
  closesByCode: Counts;
  refusedUpgrades: Counts;
  hangups: Counts;
  families: Counts;
  stalls: number;
  malformedReplies: number;
  probeLatencies: number[];
  /** Milliseconds from a request to the reply that names it (`replyTo`), over every socket. */
  replyLatencies: number[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One fuzzing socket: reopened whenever the server closes it. */
class FuzzSocket {
  private ws: WebSocket | undefined;
  private step = 0;
  private nextId = 0;
  private probe: { id: string; sentAt: number; done: (answered: boolean) => void } | undefined;
  private readonly context: SeedContext;
  /** When each request id still waiting for a reply was sent. */
  private readonly sentAt = new Map<string, number>();

  constructor(
    private readonly shared: Shared,
    private readonly rng: Rng,
    index: number,
    rooms: number,
  ) {
    this.context = { room: `fuzz-${index % rooms}`, name: `Fuzzer ${index}` };
  }

  /** Opens the socket; false if the server refused or could not be reached (counted). */
  private async open(): Promise<boolean> {
    const ws = new WebSocket(withFuzzedNode(this.shared.options.wsUrl, this.rng));
    // Before `open`, so the welcome (sent at once) is counted too.
    ws.on('message', (data) => this.onMessage(data.toString()));
    const opened = await new Promise<boolean>((resolve) => {
      ws.once('open', () => resolve(true));
      ws.once('unexpected-response', (_req, res) => {
        bump(this.shared.refusedUpgrades, String(res.statusCode));
        res.resume();
        ws.terminate();
        resolve(false);
      });
      ws.once('error', (error) => {
        bump(this.shared.hangups, `connect: ${(error as NodeJS.ErrnoException).code ?? error.message}`);
        resolve(false);
      });
    });
    if (!opened) return false;
    this.ws = ws;
    this.step = 0;
    ws.on('error', (error) => {
      if (!this.shared.stop)
        bump(this.shared.hangups, (error as NodeJS.ErrnoException).code ?? error.message);
    });
    ws.once('close', (code) => {
      this.ws = undefined;
      this.sentAt.clear();
      if (!this.shared.stop) {
        if (DOCUMENTED_CLOSES.has(code))
          bump(this.shared.closesByCode, `${code} ${DOCUMENTED_NAMES.get(code)}`);
        else bump(this.shared.hangups, `close ${code}`);
      }
      this.probe?.done(false);
    });
    return true;
  }

  private onMessage(text: string): void {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      this.shared.malformedReplies++;
      return;
    }
    const parsed = ServerMessage.safeParse(message);
    if (!parsed.success) {
      this.shared.malformedReplies++;
      return;
    }
    const m = parsed.data;
    if (m.type === 'error' && this.probe && m.replyTo === this.probe.id) {
      this.shared.probeLatencies.push(performance.now() - this.probe.sentAt);
      this.probe.done(true);
      return;
    }
    if ('replyTo' in m && m.replyTo !== undefined) {
      const sent = this.sentAt.get(String(m.replyTo));
      if (sent !== undefined) {
        this.shared.replyLatencies.push(performance.now() - sent);
        this.sentAt.delete(String(m.replyTo));
      }
    }
    if (m.type === 'error') bump(this.shared.errorsByCode, m.code);
    else bump(this.shared.repliesByType, m.type);
    if (m.type === 'subscriberOffer') this.context.subscriberOffer = m.sdp;
    if (m.type === 'joined') this.context.resumeToken = m.resumeToken;
  }

  private sendFrame(data: string | Uint8Array, binary: boolean): void {
    this.ws?.send(data, { binary });
    this.shared.frames++;
  }

  private sendOne(): void {
    const type = SEED_TYPES[this.step++ % SEED_TYPES.length]!;
    const id = `r${this.nextId++}`;
    const seed = seedMessage(type, this.context, id);
    // Requests that get no reply (a valid subscriberAnswer, a mutated id) are forgotten after a while.
    if (this.sentAt.size >= 256) this.sentAt.delete(this.sentAt.keys().next().value!);
    this.sentAt.set(id, performance.now());
    if (this.rng.chance(this.shared.options.validShare)) {
      this.shared.validFrames++;
      this.sendFrame(JSON.stringify(seed), false);
      return;
    }
    const mutation = mutate(seed, this.rng);
    for (const family of mutation.families) bump(this.shared.families, family);
    this.shared.mutations++;
    this.shared.left--;
    this.sendFrame(mutation.data, mutation.binary);
  }

  /** Sends a probe and waits for its answer, the socket's close, or the timeout (a stall). */
  private async sendProbe(): Promise<void> {
    const id = `probe-${this.nextId++}`;
    const answered = await new Promise<boolean | 'timeout'>((resolve) => {
      const timer = setTimeout(() => resolve('timeout'), this.shared.options.probeTimeoutMs);
      this.probe = {
        id,
        sentAt: performance.now(),
        done: (ok) => {
          clearTimeout(timer);
          resolve(ok);
        },
      };
      this.shared.validFrames++;
      this.sendFrame(JSON.stringify({ type: 'fuzzProbe', id }), false);
    });
    this.probe = undefined;
    if (answered === 'timeout') {
      this.shared.stalls++;
      this.ws?.terminate();
    }
  }

  async run(): Promise<void> {
    let failedOpens = 0;
    while (!this.shared.stop && this.shared.left > 0) {
      if (!this.ws || this.ws.readyState !== WebSocket.OPEN) {
        if (!(await this.open())) {
          // Back off; a server that cannot be reached at all ends the run.
          if (++failedOpens >= 50) return;
          await sleep(Math.min(1000, 20 * failedOpens));
          continue;
        }
        failedOpens = 0;
      }
      for (let i = 0; i < this.shared.options.window && this.ws && this.shared.left > 0; i++) this.sendOne();
      if (this.ws) await this.sendProbe();
      this.shared.options.onProgress?.(this.shared.mutations);
    }
  }

  close(): void {
    this.ws?.close(1000);
  }
}

/**
 * Polls /healthz every 500 ms (anything but a 200 within 2 s counts as a failure), and the server's Janus pid: a
 * new pid means the old Janus died and the server started another.
 */
function watchHealth(
  httpUrl: string,
  failures: Counts,
  serverPid: number | undefined,
  firstJanus: number | undefined,
): { stop(): Promise<{ slowestMs: number; janusRestarts: number; janus: number | undefined }> } {
  let slowest = 0;
  let running = true;
  let janus = firstJanus;
  let janusRestarts = 0;
  const loop = (async () => {
    while (running) {
      if (serverPid !== undefined) {
        const now = await janusPid(serverPid);
        if (now !== undefined && now !== janus) {
          if (janus !== undefined) janusRestarts++;
          janus = now;
        }
      }
      const started = performance.now();
      try {
        const res = await fetch(`${httpUrl}/healthz`, { signal: AbortSignal.timeout(2000) });
        await res.arrayBuffer();
        if (res.status !== 200) bump(failures, `status ${res.status}`);
      } catch (error) {
        bump(failures, (error as Error).name === 'TimeoutError' ? 'timeout' : (error as Error).message);
      }
      slowest = Math.max(slowest, performance.now() - started);
      await sleep(500);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { slowestMs: slowest, janusRestarts, janus };
    },
  };
}

export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const shared: Shared = {
    options: { window: 8, validShare: 0.25, probeTimeoutMs: 10_000, ...options },
    left: options.count,
    stop: false,
    mutations: 0,
    frames: 0,
    validFrames: 0,
    errorsByCode: {},
    repliesByType: {},
    closesByCode: {},
    refusedUpgrades: {},
    hangups: {},
    families: {},
    stalls: 0,
    malformedReplies: 0,
    probeLatencies: [],
    replyLatencies: [],
  };
  const janus = options.serverPid ? await janusPid(options.serverPid) : undefined;
  const before = {
    server: options.serverPid ? await processFigures(options.serverPid) : null,
    janus: janus ? await processFigures(janus) : null,
  };
  const rng = createRng(options.seed);
  const rooms = Math.max(1, Math.ceil(options.sockets / 2));
  const sockets = Array.from(
    { length: options.sockets },
    (_, i) => new FuzzSocket(shared, rng.fork(`socket-${i}`), i, rooms),
  );
  const healthFailures: Counts = {};
  const health = watchHealth(options.httpUrl, healthFailures, options.serverPid, janus);
  let serverExit: string | null = null;
  void options.serverExit?.then((how) => {
    serverExit = how;
    shared.stop = true;
  });
  const deadline = setTimeout(
    () => {
      shared.stop = true;
    },
    (options.maxSeconds ?? 600) * 1000,
  );
  const started = performance.now();
  await Promise.all(sockets.map((s) => s.run()));
  const seconds = (performance.now() - started) / 1000;
  clearTimeout(deadline);
  shared.stop = true;
  for (const s of sockets) s.close();
  // Let the server finish what the last frames started (leaves, Janus detaches) before measuring.
  await sleep(1000);
  const watched = await health.stop();
  const healthLatencyMaxMs = watched.slowestMs;
  // A restart in the last half second is seen here: the Janus measured before is not the one running now.
  const janusRestarts =
    watched.janusRestarts +
    (janus !== undefined && (await janusPid(options.serverPid!)) !== watched.janus ? 1 : 0);
  const after = {
    server: options.serverPid ? await processFigures(options.serverPid) : null,
    // A Janus that crashed was restarted under another pid: its figures are not "after".
    janus: janus !== undefined && janusRestarts === 0 ? await processFigures(janus) : null,
  };
  const sorted = [...shared.probeLatencies].sort((a, b) => a - b);
  const replies = [...shared.replyLatencies].sort((a, b) => a - b);
  const healthFailureCount = Object.values(healthFailures).reduce((a, b) => a + b, 0);
  const hangupCount = Object.values(shared.hangups).reduce((a, b) => a + b, 0);
  return {
    conditions: {
      seed: options.seed,
      sockets: options.sockets,
      window: shared.options.window,
      target: options.target ?? options.wsUrl,
      limits: options.limits ?? {},
      cores: cpus().length,
      cpu: cpus()[0]?.model ?? 'unknown',
      node: process.version,
    },
    mutations: shared.mutations,
    frames: shared.frames,
    validFrames: shared.validFrames,
    seconds,
    framesPerSecond: shared.frames / seconds,
    crashes: {
      serverExit,
      healthFailures,
      hangups: shared.hangups,
      stalls: shared.stalls,
      janusRestarts,
      total: (serverExit ? 1 : 0) + janusRestarts + healthFailureCount + hangupCount + shared.stalls,
    },
    errorsByCode: shared.errorsByCode,
    repliesByType: shared.repliesByType,
    closesByCode: shared.closesByCode,
    refusedUpgrades: shared.refusedUpgrades,
    malformedReplies: shared.malformedReplies,
    families: shared.families,
    probeLatencyMs: { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? 0 },
    replyLatencyMs: {
      p50: percentile(replies, 50),
      p99: percentile(replies, 99),
      max: replies.at(-1) ?? 0,
      over2s: replies.filter((ms) => ms > 2000).length,
    },
    healthLatencyMaxMs,
    server: { before: before.server, after: after.server },
    janus: { before: before.janus, after: after.janus, restarts: janusRestarts },
  };
}

/** What a fuzz run counted, and how it is printed. Pure. */

export type Counts = Record<string, number>;

export function bump(counts: Counts, key: string, by = 1): void {
  counts[key] = (counts[key] ?? 0) + by;
}

export interface ProcessFigures {
  rssKiB: number;
  fds: number;
}

export interface FuzzReport {
  conditions: {
    seed: string;
    sockets: number;
    window: number;
    target: string;
    limits: Record<string, string>;
    cores: number;
    cpu: string;
    node: string;
  };
  mutations: number;
  /** Every frame sent: mutations, valid seed messages that drive the sequences, and probes. */
  frames: number;
  validFrames: number;
  seconds: number;
  framesPerSecond: number;
  crashes: {
    /** How the server process ended, if it did. */
    serverExit: string | null;
    /** /healthz answers that were not 200 (or did not come within 2 s), by reason. */
    healthFailures: Counts;
    /** Sockets closed with a code that is not documented (not in CLOSE_CODES), or reset. */
    hangups: Counts;
    /** Probes with no reply within the probe timeout: the server stopped answering a socket. */
    stalls: number;
    /** The server's own Janus died during the run (it restarts it, but every meeting on it was dropped). */
    janusRestarts: number;
    total: number;
  };
  errorsByCode: Counts;
  repliesByType: Counts;
  closesByCode: Counts;
  /** Upgrades the server refused (HTTP status), e.g. per-address connection limits. */
  refusedUpgrades: Counts;
  /** Replies that do not match the protocol's ServerMessage schema. */
  malformedReplies: number;
  families: Counts;
  probeLatencyMs: { p50: number; p99: number; max: number };
  /** Request to reply (valid and mutated requests that kept their id): shows a handler or lock held too long. */
  replyLatencyMs: { p50: number; p99: number; max: number; over2s: number };
  healthLatencyMaxMs: number;
  server: { before: ProcessFigures | null; after: ProcessFigures | null };
  /** The server's own Janus, and how often it died and was restarted by the server during the run. */
  janus: { before: ProcessFigures | null; after: ProcessFigures | null; restarts: number };
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const list = (counts: Counts, limit = 40): string => {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  if (entries.length === 0) return 'none';
  const shown = entries.slice(0, limit).map(([k, v]) => `${k} ${v}`);
  return entries.length > limit
    ? `${shown.join(', ')}, ... (${entries.length - limit} more)`
    : shown.join(', ');
};

const figures = (f: { before: ProcessFigures | null; after: ProcessFigures | null }): string =>
  f.before && f.after
    ? `RSS ${(f.before.rssKiB / 1024).toFixed(1)} -> ${(f.after.rssKiB / 1024).toFixed(1)} MiB, fds ${f.before.fds} -> ${f.after.fds}`
    : 'not measured (pass --server-pid for a server the fuzzer did not start)';

export function formatReport(r: FuzzReport): string {
  const c = r.conditions;
  const limits = Object.entries(c.limits)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  return [
    `fuzz: ${r.mutations} mutations (${r.frames} frames incl. ${r.validFrames} valid sequence messages and probes) in ${r.seconds.toFixed(1)} s: ${r.framesPerSecond.toFixed(0)} messages/s`,
    `crashes: ${r.crashes.total} (server exit: ${r.crashes.serverExit ?? 'no'}; /healthz failures: ${list(r.crashes.healthFailures)}; hang-ups: ${list(r.crashes.hangups)}; stalled probes: ${r.crashes.stalls}; janus restarts: ${r.crashes.janusRestarts})`,
    `error replies by code: ${list(r.errorsByCode)}`,
    `other replies: ${list(r.repliesByType)}; malformed replies: ${r.malformedReplies}`,
    `close codes: ${list(r.closesByCode)}; refused upgrades: ${list(r.refusedUpgrades)}`,
    `probe round trip ms: p50 ${r.probeLatencyMs.p50.toFixed(1)}, p99 ${r.probeLatencyMs.p99.toFixed(1)}, max ${r.probeLatencyMs.max.toFixed(1)}; slowest /healthz ${r.healthLatencyMaxMs.toFixed(0)} ms`,
    `request -> reply ms: p50 ${r.replyLatencyMs.p50.toFixed(1)}, p99 ${r.replyLatencyMs.p99.toFixed(1)}, max ${r.replyLatencyMs.max.toFixed(0)}; replies slower than 2 s: ${r.replyLatencyMs.over2s}`,
    `server: ${figures(r.server)}`,
    `janus: ${r.janus.restarts > 0 ? `died and was restarted ${r.janus.restarts} times (no after figures)` : figures(r.janus)}`,
    `mutation families: ${list(r.families, 60)}`,
    `conditions: seed ${c.seed}, ${c.sockets} sockets, window ${c.window} frames per probe, ${c.target}, ${c.cores} cores (${c.cpu}), node ${c.node}`,
    `server limits: ${limits || 'as configured on the server'}`,
  ].join('\n');
}

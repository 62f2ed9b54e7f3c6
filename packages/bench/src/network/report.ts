// The network-change benchmark's numbers and how they read. Pure: no I/O.
import { percentile } from './recovery.js';

export interface JoinSample {
  /** Page load (navigation start) to the first remote video frame rendered. */
  ms: number;
  /** Local candidate types of the joiner's selected pairs (all `relay` here, or the sample is not over TURN). */
  localCandidates: (string | undefined)[];
}

export interface ChangeSample {
  router: string;
  newAddress: string;
  /** Who watched the other side come back. */
  observer: string;
  /** Network change to video advancing again at the observer; null: not back within the deadline. */
  ms: number | null;
  /**
   * How it ended at the observer: `back`, `stalled` (not back by the deadline) or `no-stall` (frames never
   * stopped for the stall threshold: no measurable interruption, or frames trickling in short bursts).
   */
  seenState: 'waiting' | 'no-stall' | 'stalled' | 'back';
  /** When frames stopped, relative to the change (negative: a stall already under way). */
  stalledFromMs: number | null;
  /** Network change to the moved client seeing the observer's video advancing again; null: not back. */
  movedSeesMs: number | null;
  /** participantLeft messages the observer received for this change (expected 0). */
  leavesAnnounced: number;
  /** Samples in which the observed tile was missing (expected 0). */
  tileMissingSamples: number;
}

export interface NetChangeReport {
  joins: JoinSample[];
  changes: ChangeSample[];
  conditions: Record<string, string | number>;
}

export interface Summary {
  count: number;
  p50: number;
  max: number;
  min: number;
}

export function summarize(values: readonly number[]): Summary | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return { count: sorted.length, p50: percentile(sorted, 50), max: sorted.at(-1)!, min: sorted[0]! };
}

function line(what: string, values: readonly number[]): string {
  const s = summarize(values);
  if (!s) return `${what}: no samples`;
  return `${what}: p50 ${s.p50.toFixed(0)} ms, max ${s.max.toFixed(0)} ms, min ${s.min.toFixed(0)} ms (n=${s.count}; samples ${values.map((v) => v.toFixed(0)).join(', ')})`;
}

/** The report as text, one fact per line. */
export function formatReport(report: NetChangeReport): string {
  const relayJoins = report.joins.filter(
    (j) => j.localCandidates.length > 0 && j.localCandidates.every((c) => c === 'relay'),
  );
  const back = report.changes.filter((c) => c.ms !== null).map((c) => c.ms!);
  const lines = [
    'network-change benchmark (two browsers behind their own NAT routers, UDP to the server only via TURN)',
    ...Object.entries(report.conditions).map(([k, v]) => `  ${k}: ${v}`),
    line(
      'join time with TURN relay (page load -> first remote frame)',
      relayJoins.map((j) => j.ms),
    ),
    `  joins over relay on every PeerConnection: ${relayJoins.length} of ${report.joins.length}`,
    line('network change -> video advancing again at the other browser', back),
    line(
      'network change -> the moved browser sees the other video advancing again',
      report.changes.filter((c) => c.movedSeesMs !== null).map((c) => c.movedSeesMs!),
    ),
    `  changes recovered: ${back.length} of ${report.changes.length}; leaves announced: ${report.changes.reduce((n, c) => n + c.leavesAnnounced, 0)}; samples with the tile missing: ${report.changes.reduce((n, c) => n + c.tileMissingSamples, 0)}`,
    ...report.changes.map(
      (c, i) =>
        `  change ${i + 1}: ${c.router} -> ${c.newAddress}, seen by ${c.observer}: ${c.ms !== null ? `${c.ms.toFixed(0)} ms` : c.seenState === 'no-stall' ? 'no stall seen' : 'NOT BACK'}` +
        (c.stalledFromMs === null ? '' : ` (frames stopped at ${c.stalledFromMs.toFixed(0)} ms)`) +
        `; the moved one sees the other: ${c.movedSeesMs === null ? 'NOT BACK' : `${c.movedSeesMs.toFixed(0)} ms`}`,
    ),
  ];
  return lines.join('\n');
}

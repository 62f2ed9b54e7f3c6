// The start benchmark's numbers and how they read. Pure: no I/O.

export const SCENARIOS = [
  'coldLoad',
  'coldVisit',
  'warmLoad',
  'coldChoose',
  'warmChoose',
  'rechoose',
] as const;
export type Scenario = (typeof SCENARIOS)[number];

/** The scenarios that start at a page load (the others at a choice in a running call). */
const PAGE_LOADS: ReadonlySet<Scenario> = new Set(['coldLoad', 'coldVisit', 'warmLoad']);

export const SCENARIO_TEXT: Record<Scenario, string> = {
  coldLoad:
    'page load -> receivers see the effect, fresh profile, camera and microphone not granted yet (autojoin link with effect=remove)',
  coldVisit:
    'as coldLoad (fresh profile, first visit), in a browser already running for 5 s rather than just launched',
  warmLoad:
    'page load -> receivers see the effect, second visit (same profile, camera and microphone granted)',
  coldChoose:
    'choose effect in a running call -> receivers see it, fresh profile, camera and microphone not granted yet (None until then)',
  warmChoose: 'choose effect in a running call -> receivers see it, second visit',
  rechoose: 'choose the effect again after None in the same call (an effect already ran in this page)',
};

export interface Sample {
  build: string;
  run: number;
  scenario: Scenario;
  /**
   * Start (navigation start or the choice) to every receiver showing the effect: the latest receiver's
   * presentation of its first frame with the effect where the browser gives frame times, else when the probe
   * saw it; null: not within the deadline.
   */
  ms: number | null;
  /**
   * The latest receiver's times for its first frame with the effect: presented, its last packet in (null where
   * the browser does not give them), and when the probe saw it (a check per presented frame).
   */
  receivers?: { presented: number | null; received: number | null; seen: number } | null;
  /** Start to the sender's first effected frame (its own timeline), when the build reports one. */
  senderFirstFrameMs: number | null;
  /** HTTP bytes the sender's browser downloaded in the sample (encoded bodies), when measured. */
  downloadedBytes?: number | null;
  /** The sender's start-up timeline: ms per phase, and where the wasm, model and decisions came from. */
  phases: Record<string, number> | null;
  /** The steps inside the phases (the effects library's StartupReport.detailMs), when the build reports them. */
  details?: Record<string, number> | null;
  sources: { runtime: string | null; wasm: string; model: string; decisions: string } | null;
}

export interface ScenarioSummary {
  build: string;
  scenario: Scenario;
  count: number;
  failed: number;
  p50: number | null;
  max: number | null;
  senderP50: number | null;
  /** p50 of `receivers.received` and `receivers.seen` over the runs that have them. */
  receivedP50: number | null;
  seenP50: number | null;
  /** p50 of the sender's downloaded bytes over the runs that measured them. */
  downloadedP50: number | null;
  /** Median ms of each start-up phase over the runs that reported it. */
  phasesP50: Record<string, number>;
  /** Median ms of each step inside the phases over the runs that reported it. */
  detailsP50: Record<string, number>;
  /**
   * The two legs after the camera, p50 over the runs that have them: the camera open (page loads: the `camera`
   * phase; a choice: the choice itself) to the sender's first effected frame, and that frame to the last
   * receiver's. They leave out the browser's camera grant, which a first visit spends most of its time in here.
   */
  legsP50: { cameraToSender: number | null; senderToReceivers: number | null };
}

/** The value at rank ceil(p/100 * n) of the sorted values (nearest rank); null for none. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

export function summarize(samples: readonly Sample[]): ScenarioSummary[] {
  const out: ScenarioSummary[] = [];
  const builds = [...new Set(samples.map((s) => s.build))];
  for (const build of builds) {
    for (const scenario of SCENARIOS) {
      const mine = samples.filter((s) => s.build === build && s.scenario === scenario);
      if (mine.length === 0) continue;
      const ok = mine.flatMap((s) => (s.ms === null ? [] : [s.ms]));
      /** The p50 of what `pick` gives, over the runs where it gives a number. */
      const p50Of = (pick: (s: Sample) => number | null | undefined) =>
        percentile(
          mine.flatMap((s) => {
            const v = pick(s);
            return v === null || v === undefined ? [] : [v];
          }),
          50,
        );
      const phasesP50 = mediansOf(mine.map((s) => s.phases ?? null));
      const detailsP50 = mediansOf(mine.map((s) => s.details ?? null));
      out.push({
        build,
        scenario,
        count: mine.length,
        failed: mine.length - ok.length,
        p50: percentile(ok, 50),
        max: ok.length > 0 ? Math.max(...ok) : null,
        senderP50: p50Of((s) => s.senderFirstFrameMs),
        receivedP50: p50Of((s) => s.receivers?.received),
        seenP50: p50Of((s) => s.receivers?.seen),
        downloadedP50: p50Of((s) => s.downloadedBytes),
        phasesP50,
        detailsP50,
        legsP50: {
          cameraToSender: p50Of((s) => {
            if (s.senderFirstFrameMs === null || !PAGE_LOADS.has(s.scenario)) return s.senderFirstFrameMs;
            const camera = s.phases?.camera;
            return camera === undefined ? null : s.senderFirstFrameMs - camera;
          }),
          senderToReceivers: p50Of((s) =>
            s.ms === null || s.senderFirstFrameMs === null ? null : s.ms - s.senderFirstFrameMs,
          ),
        },
      });
    }
  }
  return out;
}

/** The median of each key over the records that have it, keys in the order first seen. */
function mediansOf(records: ReadonlyArray<Record<string, number> | null>): Record<string, number> {
  const names = [...new Set(records.flatMap((r) => Object.keys(r ?? {})))];
  const out: Record<string, number> = {};
  for (const name of names) {
    const v = percentile(
      records.flatMap((r) => (r?.[name] === undefined ? [] : [r[name]!])),
      50,
    );
    if (v !== null) out[name] = v;
  }
  return out;
}

const ms = (v: number | null) => (v === null ? '-' : `${Math.round(v)} ms`);

/** One line per build and scenario, then the phase medians. */
export function formatSummary(summaries: readonly ScenarioSummary[]): string[] {
  const lines: string[] = [];
  for (const s of summaries) {
    const failed = s.failed > 0 ? `, ${s.failed} not seen within the deadline` : '';
    lines.push(
      `${s.build.padEnd(8)} ${s.scenario.padEnd(11)} p50 ${ms(s.p50).padStart(8)}  max ${ms(s.max).padStart(8)}  (n=${s.count}${failed}; sender's own first effected frame p50 ${ms(s.senderP50)}${s.downloadedP50 === null ? '' : `; sender downloaded ${Math.round(s.downloadedP50 / 1024)} KiB p50`})`,
    );
    if (s.receivedP50 !== null || s.seenP50 !== null)
      lines.push(
        `${''.padEnd(21)}the first frame with the effect at the last receiver, p50: last packet in ${ms(s.receivedP50)}, presented ${ms(s.p50)}, seen by the probe ${ms(s.seenP50)}`,
      );
    const list = (r: Record<string, number>) =>
      Object.entries(r)
        .map(([name, v]) => `${name} ${Math.round(v)}`)
        .join(', ');
    const { cameraToSender, senderToReceivers } = s.legsP50;
    if (cameraToSender !== null || senderToReceivers !== null)
      lines.push(
        `${''.padEnd(21)}legs p50: camera open (or the choice) -> sender's first effected frame ${ms(cameraToSender)}, -> last receiver ${ms(senderToReceivers)}`,
      );
    const phases = list(s.phasesP50);
    if (phases) lines.push(`${''.padEnd(21)}phases p50 ms: ${phases}`);
    const details = list(s.detailsP50);
    if (details) lines.push(`${''.padEnd(21)}steps p50 ms: ${details}`);
  }
  return lines;
}

/** Ratio of `after` to `before` p50 for each scenario both builds have (e.g. 0.05 = 20x faster). */
export function ratios(summaries: readonly ScenarioSummary[], before: string, after: string): string[] {
  const lines: string[] = [];
  for (const scenario of SCENARIOS) {
    const b = summaries.find((s) => s.build === before && s.scenario === scenario);
    const a = summaries.find((s) => s.build === after && s.scenario === scenario);
    if (!a || !b || a.p50 === null || b.p50 === null || b.p50 === 0) continue;
    lines.push(
      `${scenario}: ${after}/${before} p50 = ${(a.p50 / b.p50).toFixed(3)} (${ms(b.p50)} -> ${ms(a.p50)})`,
    );
    const legs = [
      ['camera open -> sender', b.legsP50.cameraToSender, a.legsP50.cameraToSender],
      ['sender -> receivers', b.legsP50.senderToReceivers, a.legsP50.senderToReceivers],
    ] as const;
    for (const [name, was, now] of legs)
      if (was !== null && now !== null && was > 0)
        lines.push(`  ${name}: ${(now / was).toFixed(3)} (${ms(was)} -> ${ms(now)})`);
  }
  return lines;
}

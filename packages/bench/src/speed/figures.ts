/** Speed-bench figures: percentiles, the JSON run record, and the printed table with ratios. Pure. */

export const PROCESSORS = [
  'none',
  'backdrop-none',
  'backdrop-blur',
  'backdrop-replace',
  'livekit-blur',
  'livekit-replace',
] as const;
export type Processor = (typeof PROCESSORS)[number];

/**
 * What a run without --processor measures. `backdrop-none` (the effect's whole pipeline with mode none: camera
 * frame into the worker, copied, out as a new frame) is the pipeline's ceiling, asked for by name.
 */
export const DEFAULT_PROCESSORS: readonly Processor[] = PROCESSORS.filter((p) => p !== 'backdrop-none');

export const BROWSERS = ['chromium', 'firefox'] as const;
export type BrowserName = (typeof BROWSERS)[number];

export interface SpeedRun {
  /** Absent in records from before Firefox was benched: Chromium. */
  browser?: BrowserName;
  processor: Processor;
  width: number;
  height: number;
  fpsIn: number | null;
  fpsOut: number | null;
  effectMsP50: number | null;
  effectMsP95: number | null;
  cpuMsPerFrame: number | null;
  longTaskMsPerS: number | null;
  memStartMB: number | null;
  memEndMB: number | null;
}

export type Figure = Exclude<keyof SpeedRun, 'browser' | 'processor' | 'width' | 'height'>;

/** Nearest-rank percentile (p in 0..100); null for no values. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

export function round(value: number | null | undefined, digits = 1): number | null {
  if (value === null || value === undefined || !Number.isFinite(value)) return null;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Per frame (or per second) figure: null when the divisor is zero or unknown. */
export function per(total: number | null, count: number | null): number | null {
  if (total === null || count === null || count <= 0) return null;
  return total / count;
}

/** Backdrop divided by LiveKit for one figure (null when either is missing or LiveKit's is zero). */
export function ratio(backdrop: number | null, livekit: number | null): number | null {
  if (backdrop === null || livekit === null || livekit === 0) return null;
  return backdrop / livekit;
}

const COLUMNS: Array<{ key: Figure; title: string; digits: number }> = [
  { key: 'fpsIn', title: 'fps in', digits: 1 },
  { key: 'fpsOut', title: 'fps out', digits: 1 },
  { key: 'effectMsP50', title: 'effect ms p50', digits: 1 },
  { key: 'effectMsP95', title: 'effect ms p95', digits: 1 },
  { key: 'cpuMsPerFrame', title: 'CPU ms/frame', digits: 1 },
  { key: 'longTaskMsPerS', title: 'long task ms/s', digits: 1 },
  { key: 'memStartMB', title: 'mem start MB', digits: 0 },
  { key: 'memEndMB', title: 'mem end MB', digits: 0 },
];

function show(value: number | null, digits: number): string {
  return value === null ? '–' : value.toFixed(digits);
}

function line(cells: string[], widths: number[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
}

const browserOf = (r: SpeedRun): BrowserName => r.browser ?? 'chromium';

/**
 * The runs as a text table, then, per browser, resolution and mode, the Backdrop/LiveKit ratio of every figure.
 * With more than one browser every label starts with the browser's name.
 */
export function formatTable(runs: readonly SpeedRun[]): string {
  const browsers = [...new Set(runs.map(browserOf))];
  const prefix = (b: BrowserName) => (browsers.length > 1 ? `${b} ` : '');
  const header = ['run', ...COLUMNS.map((c) => c.title)];
  const rows = runs.map((r) => [
    `${prefix(browserOf(r))}${r.processor} ${r.width}x${r.height}`,
    ...COLUMNS.map((c) => show(r[c.key], c.digits)),
  ]);
  const ratios: string[][] = [];
  const sizes = [...new Set(runs.map((r) => `${r.width}x${r.height}`))];
  for (const browser of browsers) {
    for (const size of sizes) {
      for (const mode of ['blur', 'replace'] as const) {
        const find = (name: string) =>
          runs.find(
            (r) => browserOf(r) === browser && r.processor === name && `${r.width}x${r.height}` === size,
          );
        const b = find(`backdrop-${mode}`);
        const l = find(`livekit-${mode}`);
        if (!b || !l) continue;
        ratios.push([
          `${prefix(browser)}Backdrop/LiveKit ${mode} ${size}`,
          ...COLUMNS.map((c) => {
            const r = ratio(b[c.key], l[c.key]);
            return r === null ? '–' : `${r.toFixed(2)}x`;
          }),
        ]);
      }
    }
  }
  const all = [header, ...rows, ...ratios];
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  const out = [line(header, widths), ...rows.map((r) => line(r, widths))];
  if (ratios.length > 0) out.push('', ...ratios.map((r) => line(r, widths)));
  return out.join('\n');
}

/** One line of Backdrop's per-stage timing: back end, each stage's ms, and the back ends' start-up measurements. */
export function formatStages(
  label: string,
  backdrop: {
    renderer?: string;
    msPerStage?: Record<string, number>;
    rendererMeasuredMs?: Record<string, number>;
  },
): string {
  const stages = Object.entries(backdrop.msPerStage ?? {})
    .map(([stage, ms]) => `${stage} ${ms.toFixed(1)}`)
    .join(', ');
  const measured = Object.entries(backdrop.rendererMeasuredMs ?? {})
    .map(([renderer, ms]) => `${renderer} ${ms.toFixed(1)}`)
    .join(', ');
  return `${label}: ${backdrop.renderer ?? '?'}: ${stages}${measured ? ` (back ends at start-up, ms: ${measured})` : ''}`;
}

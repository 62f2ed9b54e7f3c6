// The load benchmark's results: the JSON of issue 12, the text summary and the HTML report. Pure: no I/O.
import { BACKLOG_PCT, type Phase } from './ramp.js';

/** One step exactly as issue 12 asks for it in `--json`. */
export interface StepJson {
  rooms: number;
  participantsPerRoom: number;
  video: boolean;
  receivedRatioMin: number | null;
  lossPct: number | null;
  joinMsP50: number | null;
  joinMsP95: number | null;
  packetsPerSecIn: number;
  packetsPerSecOut: number;
  janusCpuPct: number;
  serverCpuPct: number;
  memMB: number;
  browserFps: number | null;
}

/** What the text and HTML show beside the issue's fields. */
export interface StepDetail {
  phase: Phase;
  /** Bot-to-bot streams the SFU forwards (the probe browser's own are not counted). */
  streamsForwarded: number;
  streamsSilent: number;
  /** CPU % of all bot processes together (werift), of one core. */
  botCpuPct: number;
  browserFpsMin: number | null;
  joinFailures: number;
  /** Why the ramp stopped after this step; undefined if it went on. */
  stop?: string;
  loadAverage: number;
  notes: string[];
}

export interface LoadReport {
  steps: StepJson[];
  conditions: Record<string, string | number | boolean>;
  details: StepDetail[];
}

const round = (v: number | null, digits = 1) => (v === null ? null : Number(v.toFixed(digits)));

/** The report as `--json` writes it: `steps` in the issue's shape, then conditions, details and a summary. */
export function toJson(report: LoadReport): object {
  return {
    steps: report.steps.map((s) => ({
      rooms: s.rooms,
      participantsPerRoom: s.participantsPerRoom,
      video: s.video,
      receivedRatioMin: round(s.receivedRatioMin, 4),
      lossPct: round(s.lossPct, 2),
      joinMsP50: round(s.joinMsP50, 0),
      joinMsP95: round(s.joinMsP95, 0),
      packetsPerSecIn: round(s.packetsPerSecIn, 0),
      packetsPerSecOut: round(s.packetsPerSecOut, 0),
      janusCpuPct: round(s.janusCpuPct),
      serverCpuPct: round(s.serverCpuPct),
      memMB: round(s.memMB, 0),
      browserFps: round(s.browserFps),
    })),
    conditions: report.conditions,
    details: report.details,
    summary: summarize(report),
  };
}

export interface Summary {
  /** Most participants in one room with every bot ≥ the threshold (video). */
  maxParticipantsVideo: number | null;
  maxParticipantsAudio: number | null;
  /** Most rooms of the room size at once, every bot ≥ the threshold. */
  maxRooms: number | null;
  /** CPU % (Janus + server) per forwarded stream, at the largest passing video step. */
  cpuPctPerStream: number | null;
  /** Our server's share of Janus + server CPU at that step. */
  serverShareOfCpu: number | null;
  /** Fewest participants in one room (video) at which join p95 passed 1 s; null if it never did. */
  joinP95Over1sAt: number | null;
  /** werift's cost at that step: bot CPU µs per packet sent or received, and CPU % of one core per bot. */
  botCpuUsPerPacket: number | null;
  botCpuPctPerBot: number | null;
}

export function summarize(report: LoadReport, minRatio = 0.95): Summary {
  const rows = report.steps.map((s, i) => ({ s, d: report.details[i]! }));
  // The ramp's own rule (ramp.ts failure()): every bot over the line, and no backlog lifting the window.
  const passed = (r: (typeof rows)[number]) =>
    r.d.joinFailures === 0 &&
    (r.s.receivedRatioMin === null || r.s.receivedRatioMin >= minRatio) &&
    (r.s.lossPct === null || r.s.lossPct >= -BACKLOG_PCT);
  const best = (phase: Phase) => {
    const ok = rows.filter((r) => r.d.phase === phase && passed(r));
    return ok.length > 0
      ? ok.reduce((a, b) =>
          b.s.participantsPerRoom * b.s.rooms > a.s.participantsPerRoom * a.s.rooms ? b : a,
        )
      : undefined;
  };
  const video = best('video');
  const cpu = video ? video.s.janusCpuPct + video.s.serverCpuPct : 0;
  const slowJoin = rows.find((r) => r.d.phase === 'video' && (r.s.joinMsP95 ?? 0) > 1000);
  return {
    maxParticipantsVideo: video?.s.participantsPerRoom ?? null,
    maxParticipantsAudio: best('audio')?.s.participantsPerRoom ?? null,
    maxRooms: best('rooms')?.s.rooms ?? null,
    cpuPctPerStream: video && video.d.streamsForwarded > 0 ? round(cpu / video.d.streamsForwarded, 3) : null,
    serverShareOfCpu: video && cpu > 0 ? round(video.s.serverCpuPct / cpu, 3) : null,
    joinP95Over1sAt: slowJoin?.s.participantsPerRoom ?? null,
    botCpuUsPerPacket:
      video && video.s.packetsPerSecIn + video.s.packetsPerSecOut > 0
        ? round((video.d.botCpuPct * 1e4) / (video.s.packetsPerSecIn + video.s.packetsPerSecOut), 1)
        : null,
    botCpuPctPerBot: video
      ? round(video.d.botCpuPct / (video.s.rooms * video.s.participantsPerRoom), 2)
      : null,
  };
}

const fmt = (v: number | null, digits = 0, unit = '') => (v === null ? '–' : `${v.toFixed(digits)}${unit}`);

/** The report as text: conditions, one line per step, the summary. */
export function formatText(report: LoadReport): string {
  const s = summarize(report);
  const header =
    'phase  rooms x ppl  streams  recv min  loss%  join p50/p95 ms  pkt/s in/out   janus%  server%  bots%  memMB  browser fps  load';
  const lines = report.steps.map((step, i) => {
    const d = report.details[i]!;
    return [
      d.phase.padEnd(6),
      `${step.rooms} x ${step.participantsPerRoom}`.padStart(11),
      String(d.streamsForwarded).padStart(8),
      fmt(step.receivedRatioMin === null ? null : step.receivedRatioMin * 100, 1, '%').padStart(9),
      fmt(step.lossPct, 2).padStart(6),
      `${fmt(step.joinMsP50)}/${fmt(step.joinMsP95)}`.padStart(16),
      `${fmt(step.packetsPerSecIn)}/${fmt(step.packetsPerSecOut)}`.padStart(14),
      fmt(step.janusCpuPct, 1).padStart(8),
      fmt(step.serverCpuPct, 1).padStart(8),
      fmt(d.botCpuPct, 0).padStart(6),
      fmt(step.memMB).padStart(6),
      `${fmt(step.browserFps, 1)} (min ${fmt(d.browserFpsMin, 1)})`.padStart(13),
      d.loadAverage.toFixed(1).padStart(5),
      d.stop ? `  STOP: ${d.stop}` : '',
      d.notes.length > 0 ? `  [${d.notes.join('; ')}]` : '',
    ].join(' ');
  });
  return [
    'bench:load — bots (werift) in real rooms through our signalling, real Janus, one headless Chromium per step',
    ...Object.entries(report.conditions).map(([k, v]) => `  ${k}: ${v}`),
    header,
    ...lines,
    `most participants in one room, every bot >= 95%: video ${fmt(s.maxParticipantsVideo)}, audio only ${fmt(s.maxParticipantsAudio)}`,
    `most rooms of ${report.conditions.roomSize ?? '?'} at once: ${fmt(s.maxRooms)}`,
    `CPU (Janus + server) per forwarded stream at the largest passing video room: ${fmt(s.cpuPctPerStream, 3, '% of a core')}; our server's share: ${s.serverShareOfCpu === null ? '–' : `${(s.serverShareOfCpu * 100).toFixed(1)}%`}`,
    `bots (werift) at that step: ${fmt(s.botCpuUsPerPacket, 1, ' µs CPU per packet sent or received')}, ${fmt(s.botCpuPctPerBot, 2, '% of a core per bot')}`,
    `join p95 passed 1 s at: ${s.joinP95Over1sAt === null ? 'never in this run' : `${s.joinP95Over1sAt} participants (video)`}`,
  ].join('\n');
}

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

export interface Series {
  label: string;
  color: string;
  points: { x: number; y: number | null }[];
}

/** A small SVG line chart of `series` against a common x axis. */
export function svgPlot(
  title: string,
  xLabel: string,
  series: readonly Series[],
  width = 420,
  height = 220,
): string {
  const pts = series.flatMap((s) => s.points.filter((p) => p.y !== null)) as { x: number; y: number }[];
  if (pts.length === 0) return `<figure><figcaption>${esc(title)}: no data</figcaption></figure>`;
  const pad = { l: 48, r: 10, t: 10, b: 32 };
  const xMax = Math.max(...pts.map((p) => p.x));
  const xMin = Math.min(...pts.map((p) => p.x));
  const yMax = Math.max(...pts.map((p) => p.y)) * 1.1 || 1;
  const sx = (x: number) => pad.l + ((x - xMin) / (xMax - xMin || 1)) * (width - pad.l - pad.r);
  const sy = (y: number) => height - pad.b - (y / yMax) * (height - pad.t - pad.b);
  const lines = series.map((s) => {
    const p = s.points.filter((q) => q.y !== null) as { x: number; y: number }[];
    const path = p.map((q) => `${sx(q.x).toFixed(1)},${sy(q.y).toFixed(1)}`).join(' ');
    const dots = p
      .map((q) => `<circle cx="${sx(q.x).toFixed(1)}" cy="${sy(q.y).toFixed(1)}" r="2.5" fill="${s.color}"/>`)
      .join('');
    return `<polyline points="${path}" fill="none" stroke="${s.color}" stroke-width="1.5"/>${dots}`;
  });
  const legend = series.map(
    (s, i) =>
      `<text x="${pad.l + 4}" y="${pad.t + 12 + i * 13}" font-size="11" fill="${s.color}">${esc(s.label)}</text>`,
  );
  const axes = `<line x1="${pad.l}" y1="${height - pad.b}" x2="${width - pad.r}" y2="${height - pad.b}" stroke="#888"/><line x1="${pad.l}" y1="${pad.t}" x2="${pad.l}" y2="${height - pad.b}" stroke="#888"/>
<text x="${pad.l - 4}" y="${pad.t + 8}" font-size="10" text-anchor="end">${yMax.toPrecision(3)}</text><text x="${pad.l - 4}" y="${height - pad.b}" font-size="10" text-anchor="end">0</text>
<text x="${pad.l}" y="${height - pad.b + 14}" font-size="10">${xMin}</text><text x="${width - pad.r}" y="${height - pad.b + 14}" font-size="10" text-anchor="end">${xMax}</text>
<text x="${(width + pad.l) / 2}" y="${height - 4}" font-size="11" text-anchor="middle">${esc(xLabel)}</text>`;
  return `<figure><figcaption>${esc(title)}</figcaption><svg width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"><rect width="${width}" height="${height}" fill="#f7f7f7"/>${axes}${lines.join('')}${legend.join('')}</svg></figure>`;
}

/** The HTML report: per phase, plots of delivery, CPU, join time and browser fps against load, then the table. */
export function renderHtml(report: LoadReport): string {
  const phases: Phase[] = ['video', 'audio', 'rooms'];
  const sections = phases.map((phase) => {
    const rows = report.steps
      .map((s, i) => ({ s, d: report.details[i]! }))
      .filter((r) => r.d.phase === phase);
    if (rows.length === 0) return '';
    const x = (r: (typeof rows)[number]) => (phase === 'rooms' ? r.s.rooms : r.s.participantsPerRoom);
    const xLabel =
      phase === 'rooms' ? `rooms of ${rows[0]!.s.participantsPerRoom}` : 'participants in one room';
    const line = (label: string, color: string, y: (r: (typeof rows)[number]) => number | null): Series => ({
      label,
      color,
      points: rows.map((r) => ({ x: x(r), y: y(r) })),
    });
    return `<h2>${phase === 'video' ? 'One room, audio + video' : phase === 'audio' ? 'One room, audio only' : 'Rooms in parallel'}</h2><div class="plots">
${svgPlot('received/expected, worst bot (%)', xLabel, [line('worst bot', '#2b6cb0', (r) => (r.s.receivedRatioMin === null ? null : r.s.receivedRatioMin * 100))])}
${svgPlot('CPU (% of one core)', xLabel, [line('Janus', '#c05621', (r) => r.s.janusCpuPct), line('server', '#2f855a', (r) => r.s.serverCpuPct), line('bots', '#718096', (r) => r.d.botCpuPct)])}
${svgPlot('join time (ms)', xLabel, [line('p50', '#2b6cb0', (r) => r.s.joinMsP50), line('p95', '#c53030', (r) => r.s.joinMsP95)])}
${svgPlot('packets/s', xLabel, [line('in (to SFU)', '#2b6cb0', (r) => r.s.packetsPerSecIn), line('out (delivered)', '#c05621', (r) => r.s.packetsPerSecOut)])}
${svgPlot('browser decoded fps per video', xLabel, [line('mean', '#2b6cb0', (r) => r.s.browserFps), line('min', '#c53030', (r) => r.d.browserFpsMin)])}
</div>`;
  });
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Backdrop load benchmark</title>
<style>body{font-family:system-ui,sans-serif;margin:2em}.plots{display:flex;flex-wrap:wrap;gap:1em}figure{margin:0}figcaption{font-size:13px}pre{background:#f4f4f4;padding:1em;overflow:auto}</style></head><body>
<h1>Backdrop load benchmark</h1>${sections.join('\n')}
<h2>Steps</h2><pre>${esc(formatText(report))}</pre></body></html>`;
}

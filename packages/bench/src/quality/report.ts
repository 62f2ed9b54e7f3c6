import { readFile, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import type { Mask } from './metrics.js';
import type { FrameScore, GroupSummary } from './score.js';

export interface Summary {
  processors: Record<string, { groups: Record<string, GroupSummary>; overall: GroupSummary }>;
  conditions: Record<string, unknown>;
}

/** Decodes a JPEG or PNG to RGBA. */
export async function decodeImage(
  path: string,
): Promise<{ width: number; height: number; data: Uint8Array }> {
  const bytes = await readFile(path);
  if (extname(path).toLowerCase() === '.png') {
    const png = PNG.sync.read(bytes);
    return { width: png.width, height: png.height, data: png.data };
  }
  const img = jpeg.decode(bytes, { useTArray: true, maxMemoryUsageInMB: 1024 });
  return { width: img.width, height: img.height, data: img.data };
}

/** Ground truth: 8-bit PNG, 255 = person (anything above 127 counts). */
export async function readTruth(path: string): Promise<Mask> {
  const png = PNG.sync.read(await readFile(path));
  const data = new Uint8Array(png.width * png.height);
  for (let i = 0; i < data.length; i++) data[i] = png.data[i * 4]! > 127 ? 1 : 0;
  return { width: png.width, height: png.height, data };
}

/** Writes the image with the background dimmed, false positives red and false negatives blue. */
export async function writeOverlay(imagePath: string, pred: Mask, truth: Mask, out: string): Promise<void> {
  const image = await decodeImage(imagePath);
  const png = new PNG({ width: image.width, height: image.height });
  for (let i = 0; i < image.width * image.height; i++) {
    const p = pred.data[i] !== 0;
    const t = truth.data[i] !== 0;
    const o = i * 4;
    const dim = t ? 1 : 0.45;
    let rgb = [image.data[o]! * dim, image.data[o + 1]! * dim, image.data[o + 2]! * dim];
    if (p && !t) rgb = [255, 40, 40];
    else if (!p && t) rgb = [40, 90, 255];
    png.data[o] = rgb[0]!;
    png.data[o + 1] = rgb[1]!;
    png.data[o + 2] = rgb[2]!;
    png.data[o + 3] = 255;
  }
  await writeFile(out, PNG.sync.write(png));
}

function plot(frames: readonly FrameScore[], width = 360, height = 90): string {
  if (frames.length < 2) return '';
  const points = frames
    .map(
      (f, i) => `${((i / (frames.length - 1)) * width).toFixed(1)},${(height - f.iou * height).toFixed(1)}`,
    )
    .join(' ');
  return `<svg width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"><rect width="${width}" height="${height}" fill="#f4f4f4"/><polyline points="${points}" fill="none" stroke="#2b6cb0" stroke-width="1.5"/></svg>`;
}

const pct = (v: number | null) => (v === null ? '–' : (v * 100).toFixed(1));
const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

function table(name: string, groups: Record<string, GroupSummary>, overall: GroupSummary): string {
  const row = (label: string, g: GroupSummary, cls = '') =>
    `<tr class="${cls}"><td>${esc(label)}</td><td>${g.frames}</td><td>${pct(g.iou)}</td><td>${pct(g.boundaryF)}</td><td>${g.flickerPct === null ? '–' : g.flickerPct.toFixed(2)}</td><td>${g.msPerFrame.toFixed(1)}</td></tr>`;
  const rows = Object.entries(groups).map(([g, s]) => row(g, s));
  return `<h3>${esc(name)}</h3><table><tr><th>group</th><th>frames</th><th>IoU %</th><th>boundary F %</th><th>flicker %</th><th>ms/frame</th></tr>${rows.join('')}${row('overall', overall, 'overall')}</table>`;
}

/** The HTML report: a table per processor, the 5 worst frames per processor, per-frame IoU per sequence. */
export async function writeReport(
  outDir: string,
  summary: Summary,
  frames: Record<string, FrameScore[]>,
  worst: Record<string, { score: FrameScore; file: string }[]>,
  sequences: string[],
): Promise<void> {
  const processors = Object.keys(summary.processors);
  const tables = processors.map((p) =>
    table(p, summary.processors[p]!.groups, summary.processors[p]!.overall),
  );
  const worstHtml = processors.map(
    (p) =>
      `<h3>${esc(p)}</h3><div class="worst">${(worst[p] ?? [])
        .map(
          (w) =>
            `<figure><img src="${esc(w.file)}" loading="lazy" alt=""><figcaption>${esc(w.score.group)}/${esc(w.score.stem)}: IoU ${pct(w.score.iou)}%</figcaption></figure>`,
        )
        .join('')}</div>`,
  );
  const plots = sequences.map(
    (seq) =>
      `<h3>${esc(seq)}</h3>${processors
        .map(
          (p) =>
            `<div class="plotrow"><span>${esc(p)}</span>${plot((frames[p] ?? []).filter((f) => f.group === seq))}</div>`,
        )
        .join('')}`,
  );
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Backdrop segmentation quality</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;color:#222}table{border-collapse:collapse;margin-bottom:1rem}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}td:first-child,th:first-child{text-align:left}tr.overall{font-weight:600;background:#eef}.worst{display:flex;flex-wrap:wrap;gap:8px}.worst img{max-width:280px}figure{margin:0}figcaption{font-size:12px}.plotrow{display:flex;gap:8px;align-items:center}.plotrow span{width:80px}pre{background:#f4f4f4;padding:8px;white-space:pre-wrap}</style></head>
<body><h1>Person segmentation quality</h1>
<p>IoU and boundary F (DAVIS-style, tolerance 0.008 x image diagonal) of the person class; masks thresholded at 0.5 at each image's own resolution. Flicker: % of pixels whose predicted label changes between consecutive frames while the ground truth's does not (sequences only). Overlays: background dimmed, false positives red, false negatives blue.</p>
<h2>Results</h2>${tables.join('')}<h2>5 worst frames per processor</h2>${worstHtml.join('')}<h2>Per-frame IoU in sequences (0-100%)</h2>${plots.join('')}
<h2>Conditions</h2><pre>${esc(JSON.stringify(summary.conditions, null, 2))}</pre></body></html>`;
  await writeFile(join(outDir, 'report.html'), html);
}

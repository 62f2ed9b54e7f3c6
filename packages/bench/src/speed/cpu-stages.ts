/**
 * The YUV back end's CPU stages timed in Node, without a browser: the same pure functions the worker runs
 * (packages/effects/src/mask), on real camera frames (the speed benchmark's y4m) and the dataset's masks as
 * the model's output. Per stage ms p50 per quality level. A development tool: fast to repeat, so before and
 * after a change can alternate closely on a loaded machine. It does not time the browser's parts (copyTo,
 * the VideoFrame constructor, the model).
 *
 * npm run bench:stages -- [--y4m file] [--masks dir] [--frames N] [--level N]... [--breakdown] [--kernels js]
 *
 * --breakdown: after the stages, each level's steps (copy, shrink, model input, tensor, output, guide, refiner,
 * band, blur, composite). `tensor` and `output` are the segmenter's work around its inference (the RGB tensor
 * written, twice at mirror-averaging levels; the output copied out, and averaged with the mirrored one), into
 * and out of a Float32Array standing in for the runtime's heap: no model runs here.
 * --kernels js: the JS byte kernels even where wasm SIMD runs (default: as the worker, wasm where it can), so
 * the two can be compared in one session.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { BandRefiner } from '../../../effects/src/mask/band-refine.js';
import { maskWeightedBlur } from '../../../effects/src/mask/blur.js';
import { ADAPTIVE_LEVELS, type QualityLevel, shouldSegment } from '../../../effects/src/mask/budget.js';
import { CpuRefiner, workingSize } from '../../../effects/src/mask/cpu-refiner.js';
import { blurParams, blurWorkScale } from '../../../effects/src/mask/kernels.js';
import { averageIntoMirrored } from '../../../effects/src/mask/mirror.js';
import { createWasmKernels } from '../../../effects/src/mask/wasm/wasm-kernels.js';
import {
  BT709,
  createI420,
  downsampleI420,
  downsamplePacked,
  downsamplePlane,
  type I420,
  packedYuvToRgba,
  shrinkI420,
} from '../../../effects/src/mask/yuv.js';
import { compositeI420 } from '../../../effects/src/mask/yuv-composite.js';
import { installNodeVideoFrame, NodeVideoFrame } from '../../../effects/src/render/node-video-frame.js';
import { createYuvCompositor } from '../../../effects/src/render/yuv-compositor.js';
import { readPersonChannel, writeRgbTensor } from '../../../effects/src/segmentation/tensor.js';

installNodeVideoFrame();

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}
function args(name: string): string[] {
  const out: string[] = [];
  process.argv.forEach((a, i) => {
    if (a === `--${name}`) out.push(process.argv[i + 1]!);
  });
  return out;
}

const repo = join(import.meta.dirname, '../../../..');
const y4mPath = arg('y4m', join(repo, 'packages/bench/.cache/rollerblade-1280x720.y4m'));
const masksDir = arg('masks', join(repo, '../shared/evaldata/davis2016/rollerblade/masks'));
const frameCount = Number(arg('frames', '60'));
const kernels = arg('kernels', 'auto') === 'js' ? 'js' : 'auto';

/** The y4m's frames as I420 pictures (yuv420p only). */
function readY4m(path: string, max: number): I420[] {
  if (!existsSync(path))
    throw new Error(`${path} is missing: bench:speed makes it (run it once at 1280x720), or pass --y4m`);
  const buf = readFileSync(path);
  const headerEnd = buf.indexOf(10);
  const header = buf.subarray(0, headerEnd).toString();
  const width = Number(/ W(\d+)/.exec(header)![1]);
  const height = Number(/ H(\d+)/.exec(header)![1]);
  const frames: I420[] = [];
  let p = headerEnd + 1;
  while (p < buf.length && frames.length < max) {
    const lineEnd = buf.indexOf(10, p);
    const pic = createI420(width, height);
    pic.data.set(buf.subarray(lineEnd + 1, lineEnd + 1 + pic.data.length));
    frames.push(pic);
    p = lineEnd + 1 + pic.data.length;
  }
  return frames;
}

/** Ground-truth masks as the model's 256x144 person probability (a stand-in for the model's output). */
function readMasks(dir: string, max: number): Float32Array[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.png'))
    .sort()
    .slice(0, max)
    .map((f) => {
      const png = PNG.sync.read(readFileSync(join(dir, f)));
      const plane = new Uint8Array(png.width * png.height);
      for (let i = 0; i < plane.length; i++) plane[i] = png.data[i * 4]!;
      const small = downsamplePlane(plane, png.width, png.height, 256, 144);
      return Float32Array.from(small, (v) => v / 255);
    });
}

const frames = readY4m(y4mPath, frameCount);
const masks = readMasks(masksDir, frameCount);
const levels = args('level').map(Number);
const chosen = levels.length > 0 ? levels : ADAPTIVE_LEVELS.map((_, i) => i);
/** CPU ms of this process so far (the machine is shared: wall-clock ms would count others' work). */
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

console.log(
  `${frames.length} frames ${frames[0]!.width}x${frames[0]!.height}, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
for (const level of chosen) {
  const quality = ADAPTIVE_LEVELS[level]!;
  const compositor = createYuvCompositor(new OffscreenCanvas(1, 1), { kernels });
  if (level === chosen[0]) console.log(`kernels: ${compositor.kernels}`);
  const cameraFrames = frames.map(
    (f) =>
      new NodeVideoFrame(f.data, { codedWidth: f.width, codedHeight: f.height }) as unknown as VideoFrame,
  );
  const times: Record<string, number[]> = { prepare: [], refine: [], composite: [], total: [] };
  for (let round = 0; round < 3; round++) {
    compositor.resetTemporal();
    for (let i = 0; i < frames.length; i++) {
      const t0 = cpuMs();
      compositor.prepare(cameraFrames[i]!, quality.frameScale ?? 1);
      const t1 = cpuMs();
      // As the engine: the model's input is made, and a mask set, only on the frames that run the model.
      if (shouldSegment(i, quality, i > 0)) {
        compositor.modelInput(undefined, quality.refineScale);
        compositor.setMask(masks[i % masks.length]!, 256, 144);
      }
      compositor.refine(quality);
      const t2 = cpuMs();
      compositor.composite({ kind: 'blur', strength: 0.6 }, quality);
      const t3 = cpuMs();
      compositor.outputFrame(i).close();
      if (round === 0) continue; // warm-up (JIT)
      times.prepare!.push(t1 - t0);
      times.refine!.push(t2 - t1);
      times.composite!.push(t3 - t2);
      times.total!.push(t3 - t0);
    }
  }
  console.log(
    `level ${level}: ${Object.entries(times)
      .map(([k, v]) => `${k} ${median(v).toFixed(2)}`)
      .join(', ')} CPU ms p50 (per frame, model frames included)`,
  );
}
/**
 * The same work as the compositor's, step by step (the pure functions it calls, with its sizes), so a stage's
 * figure can be split: which pass over which picture costs what. Model frames only for `modelInput`.
 */
function breakdown(level: number, quality: QualityLevel): void {
  const times: Record<string, number[]> = {};
  const time = (name: string, work: () => void) => {
    const t = cpuMs();
    work();
    const list = times[name] ?? [];
    list.push(cpuMs() - t);
    times[name] = list;
  };
  const scale = quality.frameScale ?? 1;
  const first = frames[0]!;
  const full = createI420(first.width, first.height);
  const cw = scale < 1 ? Math.round(first.width * scale) : first.width;
  const ch = scale < 1 ? Math.round(first.height * scale) : first.height;
  // As the compositor: with the wasm kernel, the working picture and the output live in its memory.
  const kernel = kernels === 'js' ? null : createWasmKernels();
  const refiner = new CpuRefiner(kernel);
  const pictures = kernel?.pictures(cw, ch);
  const band = new BandRefiner(kernel);
  const current = pictures ? pictures.src : scale < 1 ? createI420(cw, ch) : full;
  const out = pictures ? pictures.out : createI420(cw, ch);
  const low = new Uint8ClampedArray(256 * 144 * 4);
  /** A stand-in for the TFLite runtime's heap (its input tensor; its output read back from the same place). */
  const heap = new Float32Array(64 + 256 * 144 * 3);
  let maskGuide = new Uint8ClampedArray(0);
  const { w, h } = workingSize(current.width, current.height, quality.refineScale);
  const guides = [new Uint8ClampedArray(w * h * 4), new Uint8ClampedArray(w * h * 4)];
  for (let round = 0; round < 3; round++) {
    refiner.reset();
    for (let i = 0; i < frames.length; i++) {
      // The camera's picture lands in `full` when it is to be shrunk, else straight in `current`.
      time('copy', () => (scale < 1 ? full : current).data.set(frames[i]!.data));
      if (scale < 1) time('shrink', () => shrinkI420(full, current));
      const guide = guides[i & 1]!;
      const guideYuv = new Uint8ClampedArray(guide.length);
      // As the compositor: one pass over the picture to the working size; the model's input is made from it
      // when it is at least the model's size, else from the picture.
      time('guide', () => {
        if (!kernel?.downsampleI420(current, w, h, guideYuv)) downsampleI420(current, w, h, guideYuv);
        guide.set(guideYuv);
        if (!kernel?.packedYuvToRgba(guide, BT709)) packedYuvToRgba(guide, BT709);
      });
      if (shouldSegment(i, quality, i > 0)) {
        time('modelInput', () => {
          if (w >= 256 && h >= 144) {
            if (!kernel?.downsamplePacked(guideYuv, w, h, 256, 144, low))
              downsamplePacked(guideYuv, w, h, 256, 144, low);
          } else if (!kernel?.downsampleI420(current, 256, 144, low)) downsampleI420(current, 256, 144, low);
          if (!kernel?.packedYuvToRgba(low, BT709)) packedYuvToRgba(low, BT709);
        });
        maskGuide = low.slice();
        // As the segmenter around its inference: the RGB tensor written into the runtime's heap, the
        // output copied out of it; at mirror-averaging levels the mirrored tensor too and the averaging.
        time('tensor', () => {
          writeRgbTensor(low, 256, 144, heap, 64);
          if (quality.mirrorAverage) writeRgbTensor(low, 256, 144, heap, 64, true);
        });
        time('output', () => {
          const mask = readPersonChannel(heap, 64, 1, new Float32Array(256 * 144));
          if (quality.mirrorAverage) {
            const mirrored = readPersonChannel(heap, 64, 1, new Float32Array(256 * 144));
            averageIntoMirrored(mask, mirrored, 256, 144);
          }
        });
      }
      time('refiner', () =>
        refiner.refine({
          mask: masks[i % masks.length]!,
          maskWidth: 256,
          maskHeight: 144,
          guideLow: maskGuide,
          guideHigh: guide,
          width: w,
          height: h,
          radius: quality.bilateralRadius,
        }),
      );
      if (quality.bandRefine)
        time('band', () => band.refine({ alpha: refiner.alpha, guide, width: w, height: h }));
      // As the compositor: the band refiner's alpha where the level runs it.
      const final = quality.bandRefine ? band : refiner;
      const bs = blurWorkScale(quality.blurScale / 2, 0.6, current.height);
      const sw = Math.max(1, Math.round(current.width * bs));
      const sh = Math.max(1, Math.round(current.height * bs));
      let pixels: Uint8ClampedArray = new Uint8ClampedArray(0);
      time('blur', () => {
        pixels = new Uint8ClampedArray(sw * sh * 4);
        if (!kernel?.downsamplePacked(guideYuv, w, h, sw, sh, pixels))
          downsamplePacked(guideYuv, w, h, sw, sh, pixels);
        const weights = new Uint8Array(sw * sh);
        if (!kernel?.downsamplePlane(final.alpha, final.width, final.height, sw, sh, weights))
          downsamplePlane(final.alpha, final.width, final.height, sw, sh, weights);
        const blurInput = {
          rgba: pixels,
          alpha: weights,
          width: sw,
          height: sh,
          sigma: blurParams(0.6, current.height, bs, 9).sigma,
          out: pixels,
        };
        if (!kernel?.maskWeightedBlur(blurInput)) maskWeightedBlur(blurInput);
      });
      time('composite', () => {
        const input = {
          src: current,
          alpha: final.alpha,
          alphaWidth: final.width,
          alphaHeight: final.height,
          background: { kind: 'small' as const, pixels, width: sw, height: sh },
          out,
        };
        if (!kernel?.composite(input)) compositeI420(input);
      });
      if (round === 0) for (const k of Object.keys(times)) times[k] = [];
    }
  }
  const per = (k: string) => {
    const v = times[k] ?? [];
    return v.length === 0 ? '' : `${k} ${median(v).toFixed(2)}`;
  };
  console.log(
    `  level ${level} steps (CPU ms p50; modelInput on model frames only; working size ${w}x${h}): ${[
      'copy',
      'shrink',
      'modelInput',
      'tensor',
      'output',
      'guide',
      'refiner',
      'band',
      'blur',
      'composite',
    ]
      .map(per)
      .filter(Boolean)
      .join(', ')}`,
  );
}

if (process.argv.includes('--breakdown'))
  for (const level of chosen) breakdown(level, ADAPTIVE_LEVELS[level]!);

console.log(
  `load average at end ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);

/**
 * Test page for the effects browser tests: starts an effect on the fake camera and analyses every output
 * frame against the raw camera (corner patches, face patch). Driven through `window.fx`.
 */
import {
  type BackgroundEffect,
  type BackgroundEffectOptions,
  createBackgroundEffect,
  createMaskProcessor,
  type EffectMode,
  IMAGE_LIMITS,
  preloadEffects,
  type StartupReport,
} from '../src/index.js';

const W = 640;
const H = 480;
const P = 24;
const CORNERS = [
  { x: 2, y: 2 },
  { x: W - P - 2, y: 2 },
  { x: 2, y: H - P - 2 },
  { x: W - P - 2, y: H - P - 2 },
];
const FACE = { x: 250, y: 120, w: 70, h: 80 };

interface Patch {
  data: Uint8ClampedArray;
  w: number;
  h: number;
}
export interface PatchStats {
  mad: number;
  hf: number;
  key: number;
}
export interface FrameReport {
  t: number;
  corners: PatchStats[];
  face: PatchStats;
  rawLike: boolean;
}

let camera: MediaStreamTrack | null = null;
let effect: BackgroundEffect | null = null;
let raw: { corners: Patch[]; face: Patch } | null = null;
let reports: FrameReport[] = [];
const errors: Array<{ code: string; message: string }> = [];
let progressEvents = 0;
/** Every start-up report the effect emitted (a start's, twice; a resume's, once). */
let startupEvents: StartupReport[] = [];
let restarts = 0;
let key: [number, number, number] = [0, 255, 0];
let monitoring = false;
let analysing = true;
let counted = 0;
/** Workers this page started (the effect's, a preload's): a kept worker is not started again. */
let workersStarted = 0;
const NativeWorker = globalThis.Worker;
globalThis.Worker = class CountedWorker extends NativeWorker {
  constructor(url: string | URL, options?: WorkerOptions) {
    super(url, options);
    workersStarted++;
  }
};
const canvas = new OffscreenCanvas(W, H);
const ctx = canvas.getContext('2d', { willReadFrequently: true })!;

function grab(r: { x: number; y: number; w?: number; h?: number }): Patch {
  const w = r.w ?? P;
  const h = r.h ?? P;
  return { data: ctx.getImageData(r.x, r.y, w, h).data, w, h };
}

function luma(d: Uint8ClampedArray, i: number): number {
  return 0.299 * d[i]! + 0.587 * d[i + 1]! + 0.114 * d[i + 2]!;
}

function highFrequency(p: Patch): number {
  let sum = 0;
  for (let y = 0; y < p.h - 1; y++) {
    for (let x = 0; x < p.w - 1; x++) {
      const i = (y * p.w + x) * 4;
      sum +=
        Math.abs(luma(p.data, i) - luma(p.data, i + 4)) +
        Math.abs(luma(p.data, i) - luma(p.data, i + p.w * 4));
    }
  }
  return sum / ((p.w - 1) * (p.h - 1));
}

function compare(out: Patch, ref: Patch): PatchStats {
  let mad = 0;
  let keyCount = 0;
  for (let i = 0; i < out.data.length; i += 4) {
    mad +=
      Math.abs(out.data[i]! - ref.data[i]!) +
      Math.abs(out.data[i + 1]! - ref.data[i + 1]!) +
      Math.abs(out.data[i + 2]! - ref.data[i + 2]!);
    const dk =
      Math.abs(out.data[i]! - key[0]) +
      Math.abs(out.data[i + 1]! - key[1]) +
      Math.abs(out.data[i + 2]! - key[2]);
    if (dk < 60) keyCount++;
  }
  const n = out.data.length / 4;
  return { mad: mad / (3 * n), hf: highFrequency(out), key: keyCount / n };
}

function analyse(source: CanvasImageSource): FrameReport {
  ctx.drawImage(source, 0, 0, W, H);
  const ref = raw!;
  const corners = CORNERS.map((c, i) => compare(grab(c), ref.corners[i]!));
  const face = compare(grab(FACE), ref.face);
  // Raw background shows if a detailed corner keeps its detail and matches the camera.
  const rawLike = corners.some((c, i) => {
    const rawHf = highFrequency(ref.corners[i]!);
    return rawHf > 4 && c.mad < 20 && c.hf > 0.5 * rawHf;
  });
  return { t: performance.now(), corners, face, rawLike };
}

async function firstFrame(track: MediaStreamTrack): Promise<void> {
  const video = document.createElement('video');
  video.muted = true;
  video.srcObject = new MediaStream([track]);
  await video.play();
  await new Promise<void>((resolve) => video.requestVideoFrameCallback(() => resolve()));
  ctx.drawImage(video, 0, 0, W, H);
  video.pause();
  video.srcObject = null;
}

async function monitor(track: MediaStreamTrack): Promise<void> {
  monitoring = true;
  const g = globalThis as unknown as {
    MediaStreamTrackProcessor?: new (i: {
      track: MediaStreamTrack;
    }) => { readable: ReadableStream<VideoFrame> };
  };
  if (g.MediaStreamTrackProcessor) {
    const reader = new g.MediaStreamTrackProcessor({ track }).readable.getReader();
    while (monitoring) {
      const { done, value } = await reader.read();
      if (done || !value) break;
      try {
        counted++;
        if (analysing) reports.push(analyse(value));
      } finally {
        value.close();
      }
    }
    reader.releaseLock();
    return;
  }
  const video = document.createElement('video');
  video.muted = true;
  video.srcObject = new MediaStream([track]);
  await video.play();
  const onFrame = () => {
    if (!monitoring) return;
    counted++;
    if (analysing && video.videoWidth > 0) reports.push(analyse(video));
    video.requestVideoFrameCallback(onFrame);
  };
  video.requestVideoFrameCallback(onFrame);
}

async function gradientImage(): Promise<ImageBitmap> {
  const c = new OffscreenCanvas(800, 600);
  const g = c.getContext('2d')!;
  const grad = g.createLinearGradient(0, 0, 800, 600);
  grad.addColorStop(0, '#203080');
  grad.addColorStop(1, '#f0a020');
  g.fillStyle = grad;
  g.fillRect(0, 0, 800, 600);
  return c.transferToImageBitmap();
}

async function toMode(
  m:
    | EffectMode
    | { kind: 'replace'; image: 'gradient' | 'not-an-image' | 'fixture' | 'huge-bytes' | 'huge-pixels' },
): Promise<EffectMode> {
  // Only a valid colour becomes the key the analysis looks for (an invalid one is refused by the effect).
  if (m.kind === 'remove' && /^#[0-9a-f]{6}$/i.test(m.color)) {
    key = (m.color.match(/[0-9a-f]{2}/gi) ?? []).map((h) => Number.parseInt(h, 16)) as [
      number,
      number,
      number,
    ];
  }
  if (m.kind !== 'replace' || typeof m.image !== 'string') return m as EffectMode;
  if (m.image === 'gradient') return { kind: 'replace', image: await gradientImage() };
  if (m.image === 'huge-bytes')
    return {
      kind: 'replace',
      image: new Blob([new Uint8Array(IMAGE_LIMITS.maxBytes + 1024 * 1024)], { type: 'image/png' }),
    };
  if (m.image === 'huge-pixels') {
    const big = new OffscreenCanvas(IMAGE_LIMITS.maxSide + 8, 16);
    big.getContext('2d')!.fillRect(0, 0, big.width, 16);
    return { kind: 'replace', image: await big.convertToBlob({ type: 'image/png' }) };
  }
  if (m.image === 'not-an-image')
    return { kind: 'replace', image: await (await fetch('/fixtures/not-an-image.png')).blob() };
  return { kind: 'replace', image: '/fixtures/astronaut.png' };
}

let painter: ReturnType<typeof setInterval> | null = null;
/** Frames the canvas camera painted: the camera's real rate, counted apart from the effect's own figures. */
let painted = 0;

/**
 * A "camera" made of the astronaut picture on a canvas, for browsers whose fake camera is synthetic; `upright`:
 * a phone held upright (480x640, the picture's middle 480 columns).
 */
async function canvasCamera(upright = false): Promise<MediaStreamTrack> {
  const image = await createImageBitmap(await (await fetch('/fixtures/astronaut.png')).blob());
  const c = document.createElement('canvas');
  c.width = upright ? H : W;
  c.height = upright ? W : H;
  const g = c.getContext('2d')!;
  // Same framing as the y4m camera: scale to 640 wide, keep the top 480 rows (upright: the middle columns).
  const paint = () => {
    g.drawImage(image, upright ? -(W - H) / 2 : 0, 0, W, W);
    painted++;
  };
  paint();
  painter = setInterval(paint, 1000 / 30);
  // No rate: every paint is a frame (with one, Firefox drops a paint that comes a little early on its clock).
  return c.captureStream().getVideoTracks()[0]!;
}

const fx = {
  async start(
    options: BackgroundEffectOptions & {
      initialMode?: EffectMode;
      source?: 'camera' | 'canvas' | 'upright-canvas';
      analyse?: boolean;
      width?: number;
      height?: number;
    },
  ) {
    analysing = options.analyse ?? true;
    if (options.source === 'canvas' || options.source === 'upright-canvas') {
      camera = await canvasCamera(options.source === 'upright-canvas');
    } else {
      const stream = await navigator.mediaDevices.getUserMedia({
        video: { width: W, height: H, frameRate: 30 },
      });
      camera = stream.getVideoTracks()[0]!;
    }
    await firstFrame(camera);
    raw = { corners: CORNERS.map((c) => grab(c)), face: grab(FACE) };
    const mode = options.initialMode ? await toMode(options.initialMode) : undefined;
    effect = await createBackgroundEffect(camera, {
      assetBase: '/assets/effects/',
      workerUrl: '/assets/effects-worker.js',
      ...options,
      ...(mode ? { mode } : {}),
    });
    effect.on('error', (e) =>
      errors.push({
        code: e.code,
        message: `${e.message}${e.cause instanceof Error ? `: ${e.cause.message}` : ''}`,
      }),
    );
    effect.on('modelProgress', () => progressEvents++);
    startupEvents = [];
    effect.on('startup', (r) => startupEvents.push(r));
    effect.on('restarted', () => restarts++);
    void monitor(effect.track);
    return {
      pipeline: effect.pipeline,
      rawCornerHf: raw.corners.map(highFrequency),
      rawFaceHf: highFrequency(raw.face),
    };
  },
  /** What a page that knows an effect is wanted does before it has a camera track. */
  preload(): Promise<void> {
    return preloadEffects({ assetBase: '/assets/effects/', workerUrl: '/assets/effects-worker.js' });
  },
  async ready(): Promise<string | null> {
    try {
      await effect!.whenReady();
      return null;
    } catch (e) {
      return (e as { code?: string }).code ?? String(e);
    }
  },
  async setMode(m: Parameters<typeof toMode>[0]): Promise<string | null> {
    try {
      await effect!.setMode(await toMode(m));
      return null;
    } catch (e) {
      return (e as { code?: string }).code ?? String(e);
    }
  },
  /** Idles the effect (the app's "None" after an effect): its worker and model stay. */
  async suspend(): Promise<string | null> {
    try {
      await effect!.suspend();
      return null;
    } catch (e) {
      return (e as { code?: string }).code ?? String(e);
    }
  },
  /** Workers started by this page so far, fetches of the runtime's wasm, and of any MediaPipe Tasks file. */
  loads() {
    const resources = performance.getEntriesByType('resource');
    return {
      workers: workersStarted,
      wasmFetches: resources.filter((e) => /\.wasm$/.test(e.name)).length,
      mediapipeFetches: resources.filter((e) => /mediapipe-tasks\.js|vision_wasm/.test(e.name)).length,
    };
  },
  /** Sets the colour the analysis counts as "key" (for replace: the background's corner colour). */
  setKey(color: string) {
    key = (color.match(/[0-9a-f]{2}/gi) ?? []).map((h) => Number.parseInt(h, 16)) as [number, number, number];
  },
  /** The last analysed output frame as a PNG data URL (for looking at, in debugging). */
  async snapshot(): Promise<string> {
    const blob = await canvas.convertToBlob({ type: 'image/png' });
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let text = '';
    for (const b of bytes) text += String.fromCharCode(b);
    return `data:image/png;base64,${btoa(text)}`;
  },
  /** The effect's start-up timeline (null until its model is ready). */
  startup() {
    return effect?.startup() ?? null;
  },
  /** The start-up reports emitted since the effect was created. */
  startupEvents(): StartupReport[] {
    return startupEvents;
  },
  /** Kills the effect's worker outright, as a crash would; returns the restarts seen so far. */
  killWorker(): number {
    effect!.killWorkerForTesting();
    return restarts;
  },
  restarts(): number {
    return restarts;
  },
  /** Output frames seen so far (analysed or not). */
  counted(): number {
    return counted;
  },
  /** Frames the canvas camera painted so far. */
  painted(): number {
    return painted;
  },
  take(): FrameReport[] {
    const r = reports;
    reports = [];
    return r;
  },
  info() {
    return {
      errors,
      progressEvents,
      stats: effect?.stats() ?? null,
      state: effect?.state,
      trackState: effect?.track.readyState,
    };
  },
  async stop() {
    monitoring = false;
    if (painter) clearInterval(painter);
    effect?.dispose();
    camera?.stop();
    return effect?.track.readyState;
  },
  /** The bare model output of both runtimes on the astronaut, and what one inference costs in each. */
  async compareRuntimes() {
    const image = await createImageBitmap(await (await fetch('/fixtures/astronaut.png')).blob());
    const out: Record<string, { raw: number[]; msPerInference: number; loadMs: number }> = {};
    for (const runtime of ['tflite', 'mediapipe'] as const) {
      const t0 = performance.now();
      const mp = createMaskProcessor({ assetBase: '/assets/effects/', delegate: 'CPU', runtime });
      await mp.ready();
      const loadMs = performance.now() - t0;
      let raw: Float32Array | null = null;
      for (let i = 0; i < 12; i++) {
        mp.reset();
        raw = (await mp.process(image, i * 1000)).raw.data;
      }
      out[runtime] = { raw: [...raw!], msPerInference: mp.stats().msPerStage.segment, loadMs };
      mp.dispose();
    }
    image.close();
    return out;
  },
  /**
   * The mask processor (the live effect's Engine) on the astronaut picture framed upright (480x640) and wide
   * (640x360): the second pass each got and the final alpha's mean on the face and in the background above
   * the shoulders (top corners), in 0..255.
   */
  async maskShapes() {
    const image = await createImageBitmap(await (await fetch('/fixtures/astronaut.png')).blob());
    const frame = async (w: number, h: number) => {
      const c = new OffscreenCanvas(w, h);
      c.getContext('2d')!.drawImage(
        image,
        -(512 * (Math.max(w, h) / 512) - w) / 2,
        0,
        Math.max(w, h),
        Math.max(w, h),
      );
      return createImageBitmap(c);
    };
    const mean = (a: Uint8Array, w: number, r: { x0: number; y0: number; x1: number; y1: number }) => {
      let sum = 0;
      for (let y = r.y0; y < r.y1; y++) for (let x = r.x0; x < r.x1; x++) sum += a[y * w + x]!;
      return sum / ((r.x1 - r.x0) * (r.y1 - r.y0));
    };
    const mp = createMaskProcessor({ assetBase: '/assets/effects/', delegate: 'CPU' });
    const out: Record<string, unknown> = {};
    try {
      for (const [name, w, h] of [
        ['wide', 640, 360],
        ['upright', 480, 640],
      ] as const) {
        const bitmap = await frame(w, h);
        mp.reset();
        const r = await mp.process(bitmap, 0);
        bitmap.close();
        // The face is at about (0.39-0.5, 0.19-0.31) of the square picture; the corners above the shoulders.
        const s = Math.max(w, h);
        const dx = (s - w) / 2;
        const at = (fx0: number, fy0: number, fx1: number, fy1: number) => ({
          x0: Math.round(fx0 * s - dx),
          y0: Math.round(fy0 * s),
          x1: Math.round(fx1 * s - dx),
          y1: Math.round(fy1 * s),
        });
        out[name] = {
          secondPass: mp.stats().secondPass,
          size: [r.width, r.height],
          face: mean(r.alpha, r.width, at(0.39, 0.19, 0.5, 0.31)),
          topLeft: mean(r.alpha, r.width, { x0: 2, y0: 2, x1: 42, y1: 42 }),
          topRight: mean(r.alpha, r.width, { x0: r.width - 42, y0: 2, x1: r.width - 2, y1: 42 }),
        };
      }
    } finally {
      mp.dispose();
      image.close();
    }
    return out;
  },
  async maskProcessor() {
    const mp = createMaskProcessor({ assetBase: '/assets/effects/', delegate: 'CPU' });
    const image = await createImageBitmap(await (await fetch('/fixtures/astronaut.png')).blob());
    const mean = (a: Uint8Array, w: number, x0: number, y0: number, x1: number, y1: number) => {
      let s = 0;
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) s += a[y * w + x]!;
      return s / ((x1 - x0) * (y1 - y0));
    };
    const times: number[] = [];
    let last = null as Awaited<ReturnType<typeof mp.process>> | null;
    for (let i = 0; i < 5; i++) {
      mp.reset();
      const t = performance.now();
      last = await mp.process(image, i * 1000);
      times.push(performance.now() - t);
    }
    const r = last!;
    const maxOf = (data: Float32Array) => data.reduce((m, v) => Math.max(m, v), 0);
    const rawMax = maxOf(r.raw.data);
    // A picture with nobody in it, after: the astronaut's result must still hold the astronaut's raw mask
    // (the segmenter writes each output into the same buffer; a result is the caller's own).
    const black = new OffscreenCanvas(image.width, image.height);
    const ctx = black.getContext('2d')!;
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, black.width, black.height);
    mp.reset();
    const empty = await mp.process(black.transferToImageBitmap(), 6000);
    const out = {
      rawKept: maxOf(r.raw.data),
      emptyRawMax: maxOf(empty.raw.data),
      width: r.width,
      height: r.height,
      alphaLength: r.alpha.length,
      face: mean(r.alpha, r.width, 200, 90, 260, 160),
      cornerTopRight: mean(r.alpha, r.width, 470, 2, 510, 42),
      raw: { width: r.raw.width, height: r.raw.height, length: r.raw.data.length, max: rawMax },
      msPerImage: times,
      stats: mp.stats(),
    };
    mp.dispose();
    image.close();
    return out;
  },
};

(globalThis as unknown as { fx: typeof fx }).fx = fx;

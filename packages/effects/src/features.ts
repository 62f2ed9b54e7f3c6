/**
 * Feature detection, done once, in one place. Everything else asks `detectFeatures()` and picks an
 * implementation from the answer; nothing else sniffs the browser.
 */
export interface Features {
  /** MediaStreamTrackProcessor + MediaStreamTrackGenerator on the page (Chromium): the streams pipeline. */
  trackStreams: boolean;
  /** Streams are transferable to a worker. */
  transferableStreams: boolean;
  worker: boolean;
  offscreenCanvas: boolean;
  /** requestVideoFrameCallback on video elements (the frames pipeline's clock). */
  videoFrameCallback: boolean;
  canvasCaptureStream: boolean;
  videoFrame: boolean;
}

let cached: Features | null = null;

export function detectFeatures(): Features {
  if (cached) return cached;
  const g = globalThis as unknown as Record<string, unknown>;
  let transferableStreams = false;
  try {
    const { port1 } = new MessageChannel();
    const rs = new ReadableStream();
    port1.postMessage(rs, [rs as unknown as Transferable]);
    port1.close();
    transferableStreams = true;
  } catch {
    transferableStreams = false;
  }
  const hasDocument = typeof document !== 'undefined';
  cached = {
    trackStreams:
      typeof g.MediaStreamTrackProcessor === 'function' && typeof g.MediaStreamTrackGenerator === 'function',
    transferableStreams,
    worker: typeof Worker === 'function',
    offscreenCanvas: typeof OffscreenCanvas === 'function',
    videoFrameCallback:
      typeof HTMLVideoElement !== 'undefined' && 'requestVideoFrameCallback' in HTMLVideoElement.prototype,
    canvasCaptureStream: hasDocument && typeof HTMLCanvasElement.prototype.captureStream === 'function',
    videoFrame: typeof g.VideoFrame === 'function',
  };
  return cached;
}

/** The smallest module with a v128 instruction: (func (result v128) (v128.const i64x2 0 0)). */
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 22, 1, 20, 0, 253, 12, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 11,
]);

/**
 * Whether this realm's WebAssembly has fixed-width SIMD (Chromium 91+, Firefox 89+, Safari 16.4+): the YUV back
 * end's byte kernels (mask/wasm/) run in wasm then. Checked once per realm.
 */
let wasmSimd: boolean | null = null;
export function hasWasmSimd(): boolean {
  if (wasmSimd !== null) return wasmSimd;
  try {
    wasmSimd = typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
  } catch {
    wasmSimd = false;
  }
  return wasmSimd;
}

/** Whether a WebGL2 context can be made in this realm (worker or page). Checked once per realm. */
let webgl2: boolean | null = null;
export function hasWebGL2(): boolean {
  if (webgl2 !== null) return webgl2;
  try {
    const canvas = new OffscreenCanvas(1, 1);
    const gl = canvas.getContext('webgl2');
    webgl2 = gl !== null;
    gl?.getExtension('WEBGL_lose_context')?.loseContext();
  } catch {
    webgl2 = false;
  }
  return webgl2;
}

/**
 * The WebGL renderer string of this realm (e.g. "ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device ...))"), or
 * null without WebGL2. Read once per realm, from the unmasked renderer where the browser exposes it.
 */
let rendererName: string | null | undefined;
export function glRendererName(): string | null {
  if (rendererName !== undefined) return rendererName;
  rendererName = null;
  try {
    const gl = new OffscreenCanvas(1, 1).getContext('webgl2');
    if (gl) {
      const info = gl.getExtension('WEBGL_debug_renderer_info');
      const name: unknown = gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER);
      rendererName = typeof name === 'string' ? name : '';
      gl.getExtension('WEBGL_lose_context')?.loseContext();
    }
  } catch {
    rendererName = null;
  }
  return rendererName;
}

/** Whether glRendererName() has read the renderer in this realm already. */
export function glRendererRead(): boolean {
  return rendererName !== undefined;
}

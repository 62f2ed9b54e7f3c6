/**
 * The kernels' WebAssembly module: what it exports (KernelExports, the AssemblyScript source's signatures in
 * packages/effects/kernels/), and kernels-bytes.ts's base64 decoded and compiled once per realm
 * (compiledKernels()), for wasm-kernels.ts's WasmKernels and tensor-kernel.ts's instance each to instantiate.
 * Pure: typed arrays and WebAssembly only.
 */
import { KERNELS_WASM_BASE64 } from './kernels-bytes.js';

export interface KernelExports {
  memory: WebAssembly.Memory;
  rgbTensor(src: number, width: number, height: number, dst: number, mirrored: number): void;
  compositeSmallPlane(
    src: number,
    dst: number,
    pw: number,
    ph: number,
    alpha: number,
    aw: number,
    small: number,
    sw: number,
    plane: number,
    byI0: number,
    byI1: number,
    byW: number,
    ayI0: number,
    ayI1: number,
    ayW: number,
    firstX: number,
    saStart: number,
    saStep: number,
    bgStart: number,
    bgStep: number,
    scratch: number,
  ): void;
  scratchBytes(pw: number, sw: number, aw: number): number;
  compositePicturePlane(
    src: number,
    dst: number,
    pw: number,
    ph: number,
    alpha: number,
    aw: number,
    back: number,
    backStride: number,
    ayI0: number,
    ayI1: number,
    ayW: number,
    firstX: number,
    saStart: number,
    saStep: number,
    scratch: number,
  ): void;
  pictureScratchBytes(aw: number): number;
  boxPlane(
    plane: number,
    pw: number,
    ph: number,
    out: number,
    outW: number,
    outH: number,
    channel: number,
    step: number,
    xs: number,
    ys: number,
    sums: number,
    inStep: number,
    channels: number,
  ): void;
  boxScratchBytes(rowBytes: number, inStep: number, outW: number): number;
  fill(at: number, value: number, n: number): void;
  bandRefine(
    alpha: number,
    guide: number,
    W: number,
    H: number,
    r: number,
    eps: number,
    curve: number,
    out: number,
    tiles: number,
    work: number,
  ): number;
  bandWorkBytes(W: number, r: number): number;
  flatNeighbourhoods(
    mask: number,
    mw: number,
    mh: number,
    r: number,
    range: number,
    below: number,
    above: number,
    lo: number,
    hi: number,
    flat: number,
  ): void;
  jointBilateral(
    mask: number,
    mw: number,
    mh: number,
    guideLow: number,
    guideHigh: number,
    w: number,
    h: number,
    r: number,
    flat: number,
    xCentre: number,
    xWeights: number,
    yCentre: number,
    yWeights: number,
    lut: number,
    out: number,
  ): void;
  smoothMask(
    current: number,
    previous: number,
    frame: number,
    previousFrame: number,
    n: number,
    lut: number,
    stillFactor: number,
  ): void;
  edgeBytes(a: number, n: number, edge: number, out: number): void;
  packedYuvToRgba(
    pixels: number,
    n: number,
    ys: number,
    y0: number,
    rv: number,
    bu: number,
    gu: number,
    gv: number,
  ): void;
  rgbToI420(
    src: number,
    stride: number,
    ri: number,
    w: number,
    h: number,
    y: number,
    u: number,
    v: number,
    kr: number,
    kg: number,
    kb: number,
    ly: number,
    y0: number,
    ub: number,
    vr: number,
  ): void;
  i420ToRgba(
    y: number,
    u: number,
    v: number,
    w: number,
    h: number,
    out: number,
    ys: number,
    y0: number,
    rv: number,
    bu: number,
    gu: number,
    gv: number,
  ): void;
  halvePlane(src: number, sw: number, out: number, ow: number, oh: number): void;
  maskWeightedBlur(
    rgba: number,
    alpha: number,
    width: number,
    height: number,
    r: number,
    planes: number,
    scratch: number,
    acc: number,
    out: number,
  ): void;
}

/** Uint8Array.fromBase64: native where the browser has it (Chromium 156's workers do, checked), where a JS loop runs cold. */
type FromBase64 = (text: string) => Uint8Array;

function decodeBase64(text: string): Uint8Array {
  // The module is decoded once per worker, at its start: the loop below ran there in the interpreter,
  // 7-11 ms of a warm start's worker time (Chromium 156 CPU profile).
  const native = (Uint8Array as unknown as { fromBase64?: FromBase64 }).fromBase64;
  if (typeof native === 'function') return native(text);
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The compiled module, once per realm (null: no SIMD, or it would not compile). */
let compiled: WebAssembly.Module | null | undefined;

export function compiledKernels(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      compiled = new WebAssembly.Module(decodeBase64(KERNELS_WASM_BASE64) as BufferSource);
    } catch {
      // No SIMD (the module does not validate) or no WebAssembly: the JS kernels.
      compiled = null;
    }
  }
  return compiled;
}

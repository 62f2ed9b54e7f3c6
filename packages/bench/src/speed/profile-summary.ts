/**
 * Summaries of a V8 CPU profile (DevTools' Profiler.stop result) by function and by kind of code: the model's
 * runtime (TFLite wasm), our wasm kernels, our JS, the browser's natives (VideoFrame, copyTo, close...), the
 * garbage collector. Pure: no I/O.
 */

/** The parts of a DevTools CPU profile read here. */
export interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>;
  samples: number[];
  /** Microseconds between samples; timeDeltas[i] is the time before samples[i]. */
  timeDeltas: number[];
}

export type CodeKind =
  | 'idle'
  | 'model runtime (wasm)'
  | 'kernels (wasm)'
  | 'js'
  | 'browser natives'
  | 'gc'
  | 'other';

export interface FunctionRow {
  name: string;
  kind: CodeKind;
  ms: number;
}

export interface ProfileSummary {
  /** Sampled milliseconds, idle included. */
  totalMs: number;
  byKind: Record<CodeKind, number>;
  /** Busiest first; idle left out. */
  functions: FunctionRow[];
}

/**
 * The exported functions' names of a wasm module by function index (imports counted first, as V8 numbers
 * them in `wasm-function[N]`). Throws on bytes that are not a wasm module.
 */
export function wasmExportNames(bytes: Uint8Array): Map<number, string> {
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d)
    throw new Error('not a wasm module');
  let p = 8;
  const leb = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (p >= bytes.length) throw new Error('truncated wasm module');
      const byte = bytes[p++]!;
      result += (byte & 0x7f) * 2 ** shift;
      shift += 7;
      if ((byte & 0x80) === 0) return result;
      if (shift > 35) throw new Error('bad LEB128 in wasm module');
    }
  };
  const name = (): string => {
    const length = leb();
    const text = new TextDecoder().decode(bytes.subarray(p, p + length));
    p += length;
    return text;
  };
  const names = new Map<number, string>();
  while (p < bytes.length) {
    const id = bytes[p++]!;
    const size = leb();
    const end = p + size;
    if (end > bytes.length) throw new Error('truncated wasm module');
    if (id === 7) {
      const count = leb();
      for (let i = 0; i < count; i++) {
        const exported = name();
        const kind = bytes[p++];
        const index = leb();
        if (kind === 0) names.set(index, exported);
      }
    }
    // Imported functions come first in the index space; the kernels import none (checked by the caller's
    // test), so the export section's indices are the profile's.
    p = end;
  }
  return names;
}

/** What kind of code a sampled frame is. `kernelsUrl` tells our kernels' module from other wasm. */
export function codeKind(
  callFrame: { functionName: string; url: string },
  isKernels: (url: string) => boolean,
): CodeKind {
  const { functionName: fn, url } = callFrame;
  if (fn === '(idle)') return 'idle';
  if (fn === '(garbage collector)') return 'gc';
  if (fn === '(program)' || fn === '(root)') return 'other';
  if (/^wasm-function\[\d+\]$/.test(fn) || url.endsWith('.wasm') || url.startsWith('wasm://'))
    return isKernels(url) ? 'kernels (wasm)' : 'model runtime (wasm)';
  if (url === '') return 'browser natives';
  return 'js';
}

/**
 * Self time by function and by kind. `kernelNames` names our kernels' functions (wasm-function[N] becomes
 * `kernels.<export>`, or `kernels#N` for an internal one).
 */
export function summarizeProfile(
  profile: CpuProfile,
  isKernels: (url: string) => boolean,
  kernelNames: Map<number, string>,
): ProfileSummary {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const byKind: Record<CodeKind, number> = {
    idle: 0,
    'model runtime (wasm)': 0,
    'kernels (wasm)': 0,
    js: 0,
    'browser natives': 0,
    gc: 0,
    other: 0,
  };
  const byFunction = new Map<string, FunctionRow>();
  let totalUs = 0;
  profile.samples.forEach((id, i) => {
    const frame = nodes.get(id);
    if (!frame) return;
    // A sample stands for the time until the next one (the last one's is unknown: 0).
    const us = profile.timeDeltas[i + 1] ?? 0;
    totalUs += us;
    const kind = codeKind(frame, isKernels);
    byKind[kind] += us / 1000;
    if (kind === 'idle') return;
    const index = /^wasm-function\[(\d+)\]$/.exec(frame.functionName)?.[1];
    const file = frame.url.split('/').pop() ?? '';
    const name =
      kind === 'kernels (wasm)' && index !== undefined
        ? `kernels.${kernelNames.get(Number(index)) ?? `#${index}`}`
        : kind === 'model runtime (wasm)'
          ? `${file}:${frame.functionName}`
          : kind === 'js'
            ? `${frame.functionName || '(anonymous)'} ${file}:${frame.lineNumber + 1}`
            : frame.functionName;
    const row = byFunction.get(name) ?? { name, kind, ms: 0 };
    row.ms += us / 1000;
    byFunction.set(name, row);
  });
  return {
    totalMs: totalUs / 1000,
    byKind,
    functions: [...byFunction.values()].sort((a, b) => b.ms - a.ms),
  };
}

import { describe, expect, it } from 'vitest';
import { KERNELS_WASM_BASE64 } from '../../../effects/src/mask/wasm/kernels-bytes.js';
import { type CpuProfile, codeKind, summarizeProfile, wasmExportNames } from './profile-summary.js';

const isKernels = (url: string) => url.startsWith('wasm://');

describe('wasmExportNames', () => {
  it("names the kernels module's exported functions by index", () => {
    const bytes = new Uint8Array(Buffer.from(KERNELS_WASM_BASE64, 'base64'));
    const names = wasmExportNames(bytes);
    const module = new WebAssembly.Module(bytes);
    // Every exported function is named, and the module imports nothing (so indices are the profile's).
    expect(WebAssembly.Module.imports(module)).toEqual([]);
    const functions = WebAssembly.Module.exports(module).filter((e) => e.kind === 'function');
    expect([...names.values()].sort()).toEqual(functions.map((e) => e.name).sort());
    expect([...names.values()]).toContain('boxPlane');
  });

  it('reads the index of a hand-made module', () => {
    // (module (func) (func) (export "b" (func 1)))
    const bytes = new Uint8Array([
      0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 4, 1, 0x60, 0, 0, 3, 3, 2, 0, 0, 7, 5, 1, 1, 0x62, 0, 1, 10, 7, 2,
      2, 0, 0x0b, 2, 0, 0x0b,
    ]);
    new WebAssembly.Module(bytes);
    expect([...wasmExportNames(bytes)]).toEqual([[1, 'b']]);
  });

  it('refuses bytes that are not wasm, or are cut short', () => {
    expect(() => wasmExportNames(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]))).toThrow(/not a wasm module/);
    const cut = new Uint8Array(Buffer.from(KERNELS_WASM_BASE64, 'base64')).subarray(0, 40);
    expect(() => wasmExportNames(cut)).toThrow(/truncated/);
  });
});

describe('summarizeProfile', () => {
  const frame = (functionName: string, url = '', lineNumber = 0) => ({ functionName, url, lineNumber });
  const profile: CpuProfile = {
    nodes: [
      { id: 1, callFrame: frame('(root)') },
      { id: 2, callFrame: frame('(idle)') },
      { id: 3, callFrame: frame('wasm-function[1382]', 'http://x/assets/effects/tflite-simd-1-0-0.wasm') },
      { id: 4, callFrame: frame('wasm-function[17]', 'wasm://wasm/3f259f36') },
      { id: 5, callFrame: frame('wasm-function[3]', 'wasm://wasm/3f259f36') },
      { id: 6, callFrame: frame('writeRgbTensor', 'http://x/assets/effects-worker.js', 3980) },
      { id: 7, callFrame: frame('VideoFrame') },
      { id: 8, callFrame: frame('(garbage collector)') },
    ],
    // Each sample's time is the next delta: 2 + 3 ms idle, then one per kind.
    samples: [2, 2, 3, 4, 5, 6, 7, 8, 3],
    timeDeltas: [0, 2000, 3000, 4000, 1500, 500, 700, 300, 100, 9999],
  };

  it('adds self time by function and by kind, idle counted in the total only', () => {
    const s = summarizeProfile(profile, isKernels, new Map([[17, 'boxPlane']]));
    expect(s.totalMs).toBeCloseTo(2 + 3 + 4 + 1.5 + 0.5 + 0.7 + 0.3 + 0.1 + 9.999, 9);
    expect(s.byKind.idle).toBeCloseTo(5, 9);
    expect(s.byKind['model runtime (wasm)']).toBeCloseTo(4 + 9.999, 9);
    expect(s.byKind['kernels (wasm)']).toBeCloseTo(2, 9);
    expect(s.byKind.js).toBeCloseTo(0.7, 9);
    expect(s.byKind['browser natives']).toBeCloseTo(0.3, 9);
    expect(s.byKind.gc).toBeCloseTo(0.1, 9);
    expect(s.functions.map((f) => [f.name, Number(f.ms.toFixed(3))])).toEqual([
      ['tflite-simd-1-0-0.wasm:wasm-function[1382]', 13.999],
      ['kernels.boxPlane', 1.5],
      ['writeRgbTensor effects-worker.js:3981', 0.7],
      ['kernels.#3', 0.5],
      ['VideoFrame', 0.3],
      ['(garbage collector)', 0.1],
    ]);
  });

  it('tells the kinds of code apart', () => {
    expect(codeKind(frame('(program)'), isKernels)).toBe('other');
    expect(codeKind(frame('copyTo'), isKernels)).toBe('browser natives');
    expect(codeKind(frame('run', 'http://x/a.js'), isKernels)).toBe('js');
    expect(codeKind(frame('wasm-function[2]', 'http://x/m.wasm'), isKernels)).toBe('model runtime (wasm)');
    expect(codeKind(frame('wasm-function[2]', 'wasm://wasm/ab12'), isKernels)).toBe('kernels (wasm)');
  });
});

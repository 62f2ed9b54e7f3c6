/**
 * The model's input tensor in wasm (segmentation/tensor.ts's writeRgbTensor, the same f32 bits), for the
 * TFLite segmenter: a kernels instance of its own, apart from wasm-kernels.ts's WasmKernels.
 * Pure: typed arrays and WebAssembly only.
 */
import { compiledKernels, type KernelExports } from './kernels-module.js';
import { align, BASE, growTo } from './memory-layout.js';

/** Writes the model's input tensor (segmentation/tensor.ts's writeRgbTensor, the same f32 bits). */
export type TensorWriter = (
  pixels: Uint8ClampedArray,
  width: number,
  height: number,
  heap: Float32Array,
  at: number,
  mirrored?: boolean,
) => void;

/**
 * writeRgbTensor in wasm, in a kernels instance of its own (its memory holds one picture and its tensor), or
 * null where the kernels cannot run. The tensor is made in that memory and copied into `heap` (another
 * module's, the model runtime's) by one typed-array set. In the JS, a tensor write ran in the interpreter for
 * the first frames of every start (8-15 ms each in a CPU profile) and cost ~0.13 ms a pass after.
 */
export function createTensorKernel(): TensorWriter | null {
  const module = compiledKernels();
  if (!module) return null;
  let k: KernelExports;
  try {
    k = new WebAssembly.Instance(module, {}).exports as unknown as KernelExports;
  } catch {
    return null;
  }
  return (pixels, width, height, heap, at, mirrored = false) => {
    const n = width * height;
    if (pixels.length !== n * 4) throw new RangeError('writeRgbTensor: size does not match');
    if (at < 0 || at + n * 3 > heap.length) throw new RangeError('writeRgbTensor: heap too small');
    const srcAt = BASE;
    const dstAt = align(srcAt + n * 4);
    growTo(k.memory, dstAt + n * 12);
    const buffer = k.memory.buffer;
    new Uint8ClampedArray(buffer, srcAt, n * 4).set(pixels);
    k.rgbTensor(srcAt, width, height, dstAt, mirrored ? 1 : 0);
    heap.set(new Float32Array(buffer, dstAt, n * 3), at);
  };
}

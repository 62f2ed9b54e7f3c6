/**
 * One kernels instance's memory, the state its kernel families share: from BASE up the source and output
 * pictures (pictures()), past them the scratch every kernel call takes its blocks from (scratch, scratchCap),
 * and past the scratch the replacement picture's place (backgroundAt), then the camera frame's area
 * (rgb-kernels.ts's frameArea()). A new picture size lays it out anew.
 * Pure: typed arrays and WebAssembly only.
 */
import { BAND_REFINE } from '../band-refine.js';
import { workingSize } from '../cpu-refiner.js';
import { type I420, i420Bytes, i420View } from '../yuv.js';
import type { KernelExports } from './kernels-module.js';
import { align, BASE, growTo, PAGE, RESERVE_MASK } from './memory-layout.js';
import { bandBytes, cpuRefineBytes } from './refine-kernels.js';

export class KernelMemory {
  readonly #k: KernelExports;
  #pictures: { src: I420; out: I420 } | null = null;
  #scratch = 0;
  #scratchCap = 0;

  constructor(exports: KernelExports) {
    this.#k = exports;
  }

  /** The module's exports: this memory and the kernels that work in it. */
  get exports(): KernelExports {
    return this.#k;
  }

  /** The current layout's pictures (pictures()'s last answer), null before the first. */
  get layout(): { src: I420; out: I420 } | null {
    return this.#pictures;
  }

  /** Where the scratch starts in the current layout. */
  get scratch(): number {
    return this.#scratch;
  }

  /** The scratch's size in the current layout: a kernel call that needs more declines (the JS runs). */
  get scratchCap(): number {
    return this.#scratchCap;
  }

  /**
   * A source and an output picture of this size in the kernels' memory (the same two until the size changes;
   * a new size lays the memory out anew and the old pictures must not be used again: their views detach when
   * the memory grows). Compositing these needs no copy.
   */
  pictures(width: number, height: number): { src: I420; out: I420 } {
    const p = this.#pictures;
    if (p && p.src.width === width && p.src.height === height && p.src.data.byteLength > 0) return p;
    const bytes = i420Bytes(width, height);
    const srcAt = BASE;
    const outAt = align(srcAt + bytes);
    this.#scratch = align(outAt + bytes);
    // Room for the alpha, the small background, the tables and the rows of any working size up to the
    // picture's own (the refinement never works larger than the picture), or for the band refinement at
    // the largest working size of this picture.
    const work = workingSize(width, height, 1);
    this.#scratchCap = Math.max(
      width * height * 2 + 8 * PAGE,
      // i420ToRgba()'s output.
      width * height * 4,
      bandBytes(this.#k, work.w, work.h, BAND_REFINE.radius),
      cpuRefineBytes(work.w, work.h, RESERVE_MASK.width, RESERVE_MASK.height, RESERVE_MASK.radius),
    );
    // Past the scratch: the replacement picture's place (backgroundPicture()), so it never grows the memory.
    const memory = this.#k.memory;
    growTo(memory, this.backgroundAt + bytes);
    const view = (at: number): I420 => i420View(new Uint8Array(memory.buffer, at, bytes), width, height);
    this.#pictures = { src: view(srcAt), out: view(outAt) };
    return this.#pictures;
  }

  /** Where the replacement picture's place starts: past the scratch of the current layout. */
  get backgroundAt(): number {
    return align(this.#scratch + this.#scratchCap);
  }

  /** Whether `p` is this kernel's current source (or output) picture, by its memory. */
  holds(p: I420, which: 'src' | 'out'): boolean {
    const mine = this.#pictures?.[which];
    return (
      mine !== undefined &&
      p.data.buffer === this.#k.memory.buffer &&
      p.data.byteOffset === mine.data.byteOffset &&
      p.width === mine.width &&
      p.height === mine.height
    );
  }
}

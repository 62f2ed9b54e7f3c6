import type { RGB } from '../mask/mode.js';

/** A mode after validation: images decoded, colours parsed. This is what crosses into the worker. */
export type ResolvedMode =
  | { kind: 'none' }
  | { kind: 'blur'; strength: number }
  | { kind: 'replace'; image: ImageBitmap }
  | { kind: 'remove'; color: RGB };

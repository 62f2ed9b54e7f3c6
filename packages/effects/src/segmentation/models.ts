/**
 * The segmentation models we serve and which second pass a frame's shape gets. Pure: no DOM, no fetch.
 *
 * Every model frame runs the landscape model (256x144). At full quality a second inference is averaged in:
 * for wide frames the landscape model on the mirrored picture (mask/mirror.ts); for upright frames (a phone
 * held upright, a portrait crop) the square model (256x256), whose input squeezes such a picture less. On the
 * development set's portraits (600x800) the square pass gave boundary F 79.1 against 77.9 for the mirrored
 * pass; on its wide clips (854x480) the square model alone fell to 38.7 on rollerblade (landscape 55.1), so
 * wide frames keep the mirrored pass. The square model gets the picture squeezed to 256x256, not letterboxed:
 * keeping the aspect (192x256 of picture, padded) scored worse on the portraits (boundary F 75.9 zero-padded,
 * 77.8 edge-padded, 78.3 half-way at 224x256, against 79.1 squeezed): its horizontal detail matters more than
 * the 1.33x distortion.
 */

export type ModelName = 'landscape' | 'square';

export interface SegmentationModel {
  readonly name: ModelName;
  /** The file under the effects' asset base. */
  readonly file: string;
  readonly input: { readonly width: number; readonly height: number };
}

export const MODELS: Readonly<Record<ModelName, SegmentationModel>> = {
  landscape: {
    name: 'landscape',
    file: 'selfie_segmentation_landscape.tflite',
    input: { width: 256, height: 144 },
  },
  square: { name: 'square', file: 'selfie_segmentation.tflite', input: { width: 256, height: 256 } },
};

/**
 * Frames narrower than this (width / height) get the square model's pass. Upright frames (aspect 0.75 on the
 * development set) gain from it; wide ones (1.78) lose badly with the square model alone. Frames between were
 * not measured (no such group in the development set), so 4:3 (1.33) keeps today's mirrored pass; a square
 * frame (1.0) is closer to the square model's input than to the landscape one's (1.78) and takes the square.
 */
export const SQUARE_PASS_MAX_ASPECT = 1.2;

/** The second inference of a full-quality model frame. */
export type SecondPass = 'mirror' | 'square';

/** The second pass a frame of this size gets (the square one only where the runtime can run it). */
export function secondPassFor(
  frame: { width: number; height: number },
  options: { squareSupported: boolean },
): SecondPass {
  if (!options.squareSupported || !(frame.width > 0 && frame.height > 0)) return 'mirror';
  return frame.width / frame.height < SQUARE_PASS_MAX_ASPECT ? 'square' : 'mirror';
}

import type { VideoLayer } from '@backdrop/protocol';

/**
 * Which simulcast layer a tile needs: pure, so it is tested in Node. The camera is published as three layers
 * (SIMULCAST_ENCODINGS: full, half and quarter resolution); a receiver asks for the smallest layer whose
 * height covers the tile's height in device pixels, `off` for a tile not on screen.
 */

/** Each layer's height as a fraction of the camera's. */
export const LAYER_SCALE: Record<Exclude<VideoLayer, 'off'>, number> = { low: 0.25, medium: 0.5, high: 1 };
const ORDER = ['low', 'medium', 'high'] as const;

/**
 * Hysteresis, so a tile near a boundary (or one being resized) does not flap: go up only once the current
 * layer would be upscaled by more than UP (20 %); go down only once the lower layer covers the tile with
 * DOWN (15 %) to spare.
 */
export const LAYER_HYSTERESIS = { up: 1.2, down: 0.85 } as const;

/** The camera height assumed before the first frame says (720p, what the app asks getUserMedia for). */
export const DEFAULT_SOURCE_HEIGHT = 720;

export interface LayerInput {
  /** The tile's video box height in device pixels (CSS px × devicePixelRatio); 0 when it has no box. */
  tileHeightPx: number;
  /** The full-resolution (top layer) height of the sender's camera, if known. */
  sourceHeightPx?: number | undefined;
  /** On screen at all (in the viewport, page visible). */
  visible: boolean;
  /** What is asked for now, for hysteresis. */
  current?: VideoLayer | undefined;
}

export function chooseLayer(input: LayerInput): VideoLayer {
  if (!input.visible || !(input.tileHeightPx > 0)) return 'off';
  const source =
    input.sourceHeightPx && input.sourceHeightPx > 0 ? input.sourceHeightPx : DEFAULT_SOURCE_HEIGHT;
  const heights = ORDER.map((layer) => source * LAYER_SCALE[layer]);
  const needed = input.tileHeightPx;
  const found = heights.findIndex((h) => h >= needed);
  const ideal = found < 0 ? ORDER.length - 1 : found;
  const current = input.current === undefined || input.current === 'off' ? -1 : ORDER.indexOf(input.current);
  if (current < 0 || ideal === current) return ORDER[ideal]!;
  if (ideal > current)
    return needed > heights[current]! * LAYER_HYSTERESIS.up ? ORDER[ideal]! : ORDER[current]!;
  return needed < heights[ideal]! * LAYER_HYSTERESIS.down ? ORDER[ideal]! : ORDER[current]!;
}

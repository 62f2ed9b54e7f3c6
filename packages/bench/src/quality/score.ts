import { boundaryF, flickerPct, iou, type Mask, mean } from './metrics.js';

export interface FrameScore {
  group: string;
  stem: string;
  iou: number;
  boundaryF: number;
  /** null for the first frame of a sequence and for stills. */
  flickerPct: number | null;
  ms: number;
}

export interface GroupSummary {
  frames: number;
  iou: number;
  boundaryF: number;
  flickerPct: number | null;
  msPerFrame: number;
  /** Backdrop's ms per stage at the group's end (the engine's moving averages), where the processor has them. */
  msPerStage?: Record<string, number>;
}

/** Scores one frame against its ground truth (and the previous frame's, for sequences). Pure. */
export function scoreFrame(
  ids: { group: string; stem: string; ms: number },
  pred: Mask,
  truth: Mask,
  previous: { pred: Mask; truth: Mask } | null,
): FrameScore {
  return {
    ...ids,
    iou: iou(pred, truth),
    boundaryF: boundaryF(pred, truth),
    flickerPct: previous ? flickerPct(previous.pred, pred, previous.truth, truth) : null,
  };
}

/** Means over frames; flicker over the frames that have one (null when none do). */
export function summarize(frames: readonly FrameScore[]): GroupSummary {
  const flicker = frames.flatMap((f) => (f.flickerPct === null ? [] : [f.flickerPct]));
  return {
    frames: frames.length,
    iou: mean(frames.map((f) => f.iou)) ?? 0,
    boundaryF: mean(frames.map((f) => f.boundaryF)) ?? 0,
    flickerPct: mean(flicker),
    msPerFrame: mean(frames.map((f) => f.ms)) ?? 0,
  };
}

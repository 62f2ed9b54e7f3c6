// When did a receiver's video come back after a network change? Pure: reads timed samples of a tile's decoded
// frame count (HTMLVideoElement.getVideoPlaybackQuality().totalVideoFrames) and finds the stall the change caused
// and the moment frames advanced again for good.

export interface FrameSample {
  /** ms, on any clock shared with `changedAt`. */
  at: number;
  frames: number;
}

export interface RecoveryOptions {
  /** When the network change was made. */
  changedAt: number;
  /** No new frame for this long counts as a stall (frames arrive every ~67 ms at 15 fps). */
  stallMs: number;
  /** Frames must then advance by this many more before the video counts as back, not a lone late frame. */
  confirmFrames: number;
}

export type Recovery =
  | { state: 'waiting' }
  /** Frames never stopped for stallMs after the change: the change did not break the path (yet). */
  | { state: 'no-stall'; lastAt: number }
  | { state: 'stalled'; stalledFrom: number }
  | { state: 'back'; stalledFrom: number; backAt: number; msAfterChange: number };

/**
 * Reads samples in time order. A stall is a run of samples (after the change) with no new frame lasting at least
 * `stallMs`, starting at the last sample that still advanced. The video is back at the first advancing sample
 * after the last stall, once frames have grown by `confirmFrames` since it with no further stall.
 */
export function videoRecovery(samples: readonly FrameSample[], options: RecoveryOptions): Recovery {
  const { changedAt, stallMs, confirmFrames } = options;
  const after = samples.filter((s) => s.at >= changedAt);
  if (after.length === 0) return { state: 'waiting' };
  let lastAdvanceAt = after[0]!.at;
  let stalledFrom: number | undefined;
  let back: FrameSample | undefined;
  for (let i = 1; i < after.length; i++) {
    const previous = after[i - 1]!;
    const sample = after[i]!;
    if (sample.frames > previous.frames) {
      // No new frame from the last advance up to the previous sample, at least: if that long, a stall ended here.
      if (previous.at - lastAdvanceAt >= stallMs) {
        stalledFrom = lastAdvanceAt;
        back = sample;
      }
      lastAdvanceAt = sample.at;
    } else if (sample.at - lastAdvanceAt >= stallMs) {
      stalledFrom = lastAdvanceAt;
      back = undefined;
    }
  }
  if (stalledFrom === undefined) return { state: 'no-stall', lastAt: after.at(-1)!.at };
  if (back === undefined) return { state: 'stalled', stalledFrom };
  if (after.at(-1)!.frames - back.frames < confirmFrames) return { state: 'stalled', stalledFrom };
  return { state: 'back', stalledFrom, backAt: back.at, msAfterChange: back.at - changedAt };
}

/** Nearest-rank percentile of an ascending list. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new RangeError('percentile of no samples');
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

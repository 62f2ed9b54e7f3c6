/**
 * The camera's frame interval as the page sees it: from the time and the presented-frame counter of every
 * video frame callback, whether or not that frame was processed. A callback that covers several frames (the
 * page was busy) counts as that many intervals. Pure.
 */
export class FrameIntervalMeter {
  private lastMs = Number.NaN;
  private lastFrames = Number.NaN;
  private ema = Number.NaN;
  private samples = 0;

  constructor(
    /** EMA weight of the newest interval. */
    private readonly weight = 0.1,
    /** Intervals needed before the estimate is given out. */
    private readonly minSamples = 5,
    /** A longer gap per frame is a pause (tab hidden, camera stalled), not the camera's rate. */
    private readonly maxGapMs = 500,
  ) {}

  /** A frame callback at `nowMs`; `presentedFrames` is the element's counter (undefined where unsupported). */
  frame(nowMs: number, presentedFrames?: number): void {
    const frames = Number.isFinite(presentedFrames) ? (presentedFrames as number) : Number.NaN;
    const dFrames = Number.isNaN(frames) || Number.isNaN(this.lastFrames) ? 1 : frames - this.lastFrames;
    const dt = nowMs - this.lastMs;
    this.lastMs = nowMs;
    this.lastFrames = frames;
    if (!(dFrames >= 1) || !(dt > 0)) return;
    const sample = dt / dFrames;
    if (sample > this.maxGapMs) return;
    this.ema = Number.isNaN(this.ema) ? sample : this.ema + this.weight * (sample - this.ema);
    this.samples++;
  }

  /** The estimated interval (ms), or null until enough frames were seen. */
  intervalMs(): number | null {
    return this.samples >= this.minSamples ? this.ema : null;
  }
}

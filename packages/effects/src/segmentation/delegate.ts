import { createSegmenter, type Delegate, type LoadedRuntime, type Segmenter } from './segmenter.js';

export interface DelegateChoice {
  segmenter: Segmenter;
  delegate: Delegate;
  /** Median ms per inference of each delegate tried. */
  measuredMs: Partial<Record<Delegate, number>>;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Times a few inferences on a synthetic picture. */
function measure(segmenter: Segmenter, width: number, height: number): number {
  const pixels = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 37) & 255;
  const image = new ImageData(pixels, width, height);
  const times: number[] = [];
  for (let i = 0; i < 6; i++) {
    const t0 = performance.now();
    segmenter.segment(image, i * 33);
    if (i >= 1) times.push(performance.now() - t0); // the first run includes warm-up
  }
  return median(times);
}

/**
 * Picks the delegate by measuring, unless `preferred` names one (a cached earlier choice or the caller's
 * wish). A delegate that fails to start is skipped; if all fail, the last error is thrown.
 */
export async function chooseDelegate(
  runtime: LoadedRuntime,
  input: { width: number; height: number },
  preferred: Delegate | 'auto',
): Promise<DelegateChoice> {
  if (preferred !== 'auto') {
    const segmenter = await createSegmenter(runtime, preferred);
    return { segmenter, delegate: preferred, measuredMs: {} };
  }
  const measuredMs: Partial<Record<Delegate, number>> = {};
  let best: { segmenter: Segmenter; ms: number } | null = null;
  let lastError: unknown = null;
  for (const delegate of ['CPU', 'GPU'] as const) {
    let segmenter: Segmenter;
    try {
      segmenter = await createSegmenter(runtime, delegate);
    } catch (error) {
      lastError = error;
      continue;
    }
    const ms = measure(segmenter, input.width, input.height);
    measuredMs[delegate] = ms;
    if (!best || ms < best.ms) {
      best?.segmenter.close();
      best = { segmenter, ms };
    } else {
      segmenter.close();
    }
  }
  if (!best) throw lastError;
  return { segmenter: best.segmenter, delegate: best.segmenter.delegate, measuredMs };
}

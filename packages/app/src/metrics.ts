import type { StartupReport } from '@backdrop/effects';

/** Figures a script (the e2e test, the join-time and start benchmarks) reads from the page. */
export interface Metrics {
  /** Each background effect's start-up timeline, in order (one per start: at ready, then at its first frame). */
  effectStartup: StartupReport[];
  /**
   * `performance.now()` when the first remote video frame was presented, i.e. ms since navigation start;
   * null until then. Set once per page load.
   */
  firstRemoteFrameMs: number | null;
}

declare global {
  interface Window {
    backdropMetrics: Metrics;
  }
}

export function initMetrics(): void {
  window.backdropMetrics ??= { firstRemoteFrameMs: null, effectStartup: [] };
}

export function recordEffectStartup(report: StartupReport): void {
  initMetrics();
  window.backdropMetrics.effectStartup.push(report);
}

/**
 * Records the first remote frame actually presented by `video`: requestVideoFrameCallback fires once a decoded
 * frame is composited; where it is missing, 'playing' (the first frame is ready to render) is the closest.
 */
export function watchFirstRemoteFrame(video: HTMLVideoElement): void {
  initMetrics();
  if (window.backdropMetrics.firstRemoteFrameMs !== null) return;
  const mark = () => {
    window.backdropMetrics.firstRemoteFrameMs ??= performance.now();
  };
  if (typeof video.requestVideoFrameCallback === 'function') video.requestVideoFrameCallback(mark);
  else (video as HTMLVideoElement).addEventListener('playing', mark, { once: true });
}

/** Figures a script (the e2e test, the join-time benchmark) reads from the page. */
export interface Metrics {
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
  window.backdropMetrics ??= { firstRemoteFrameMs: null };
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

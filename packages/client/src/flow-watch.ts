/** How often a receiver's stats are read while waiting for its media to flow. */
const POLL_MS = 100;

/**
 * Video counts as flowing at a live rate: FLOW_FRAMES frames decoded within FLOW_WINDOW_MS (~7 fps or more), or
 * SLOW_FLOW_FRAMES frames since the watch began at any rate (a camera that is slow for real still switches). Not
 * one frame, nor a few: after a move to the SFU, the first frames can be the idle trickle's (1 fps, simulcast.ts
 * IDLE_LAYERS, and the key frames Janus's PLI on resume asks for), and the top layer can then fall silent for
 * seconds while the sender's bandwidth estimate catches up. p2p.e2e's SFU inbound stats: one frame at +113 ms,
 * the next at +2465 ms; three frames by +966 ms, the next at +2480 ms. Switching on those froze the tile for
 * 1.6-1.8 s while the direct path still flowed.
 */
export const FLOW_FRAMES = 4;
export const FLOW_WINDOW_MS = 600;
export const SLOW_FLOW_FRAMES = 10;

/** Frames decoded (video) or packets received (audio) so far by the receiver, from its inbound-rtp stats. */
async function received(receiver: RTCRtpReceiver): Promise<{ count: number; video: boolean }> {
  let count = 0;
  let video = false;
  for (const s of (await receiver.getStats()).values() as Iterable<Record<string, unknown>>) {
    if (s.type !== 'inbound-rtp') continue;
    if (s.kind === 'video') video = true;
    const n = s.kind === 'video' ? s.framesDecoded : s.packetsReceived;
    if (typeof n === 'number') count += n;
  }
  return { count, video };
}

/**
 * Whether a receiver's counts sampled over time (oldest first, the first one the baseline) show media flowing:
 * audio once a packet came after the baseline; video at a live rate, or SLOW_FLOW_FRAMES frames at any. Pure.
 */
export function isFlowing(samples: readonly { at: number; count: number }[], video: boolean): boolean {
  const first = samples[0];
  const last = samples.at(-1);
  if (!first || !last) return false;
  if (!video) return last.count > first.count;
  if (last.count - first.count >= SLOW_FLOW_FRAMES) return true;
  return samples.some((s) => last.at - s.at <= FLOW_WINDOW_MS && last.count - s.count >= FLOW_FRAMES);
}

/**
 * Resolves once the receiver carries media that flows (isFlowing) after the watch started, so a recycled
 * m-line's old counts do not count. Rejects with the signal's reason when aborted (the track went away, or its
 * PeerConnection closed). NOTE: one getStats per POLL_MS while waiting.
 */
export async function whenFlowing(receiver: RTCRtpReceiver, signal: AbortSignal): Promise<void> {
  const start = await received(receiver);
  const samples = [{ at: performance.now(), count: start.count }];
  for (;;) {
    signal.throwIfAborted();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, POLL_MS);
      signal.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          resolve();
        },
        { once: true },
      );
    });
    signal.throwIfAborted();
    const now = await received(receiver);
    samples.push({ at: performance.now(), count: now.count });
    // The baseline and the window are all that matter.
    while (samples.length > 2 && samples.at(-1)!.at - samples[1]!.at > FLOW_WINDOW_MS) samples.splice(1, 1);
    if (isFlowing(samples, now.video || start.video)) return;
  }
}

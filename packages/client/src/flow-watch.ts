/** How often a receiver's stats are read while waiting for its media to flow. */
const POLL_MS = 100;

/**
 * Video counts as flowing once this many frames decoded after the watch began, not one. After a move to the SFU
 * the first frame can be the last of a camera's idle trickle (1 fps, simulcast.ts IDLE_LAYERS), and its top
 * layer can then fall silent for seconds while the sender's bandwidth estimate catches up (p2p.e2e, SFU inbound
 * stats: one frame at +113 ms, the next at +2465 ms, after Janus had dropped to the middle layer); switching on
 * that one frame froze the tile for 1.8 s while the direct path still flowed. A count, not a rate: a camera
 * that is slow for real (a few fps) still switches, ~3 of its frames later.
 */
export const FLOW_FRAMES = 3;

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

/** Whether a receiver's count now, against its count when the watch began, shows media flowing. Pure. */
export function isFlowing(baseline: number, now: number, video: boolean): boolean {
  return now - baseline >= (video ? FLOW_FRAMES : 1);
}

/**
 * Resolves once the receiver carries media that flows (isFlowing) after the watch started, so a recycled
 * m-line's old counts do not count. Rejects with the signal's reason when aborted (the track went away, or its
 * PeerConnection closed). NOTE: one getStats per POLL_MS while waiting.
 */
export async function whenFlowing(receiver: RTCRtpReceiver, signal: AbortSignal): Promise<void> {
  const start = await received(receiver);
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
    if (isFlowing(start.count, now.count, now.video || start.video)) return;
  }
}

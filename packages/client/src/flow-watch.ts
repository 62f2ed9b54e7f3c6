/** How often a receiver's stats are read while waiting for its first media. */
const POLL_MS = 100;

/** Frames decoded (video) or packets received (audio) so far by the receiver, from its inbound-rtp stats. */
async function received(receiver: RTCRtpReceiver): Promise<number> {
  let total = 0;
  for (const s of (await receiver.getStats()).values() as Iterable<Record<string, unknown>>) {
    if (s.type !== 'inbound-rtp') continue;
    const count = s.kind === 'video' ? s.framesDecoded : s.packetsReceived;
    if (typeof count === 'number') total += count;
  }
  return total;
}

/**
 * Resolves once the receiver carries new media: a frame decoded (video) or a packet received (audio) after the
 * watch started, so a recycled m-line's old counts do not count. Rejects with the signal's reason when aborted
 * (the track went away, or its PeerConnection closed). NOTE: one getStats per POLL_MS while waiting.
 */
export async function whenFlowing(receiver: RTCRtpReceiver, signal: AbortSignal): Promise<void> {
  const baseline = await received(receiver);
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
    if ((await received(receiver)) > baseline) return;
  }
}

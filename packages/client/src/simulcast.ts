/**
 * The camera's simulcast encodings to the SFU: three VP8 layers, highest first (the order Janus's own
 * janus.js uses; VideoRoom numbers substreams from the lowest, 0 = `l`). The bitrates add up to just under
 * the room's 1.5 Mbit/s cap (sfu/videoroom.ts), so the top layer is not starved by the SFU's REMB.
 * Not used on the direct (two-person) path: one layer there.
 */
export const SIMULCAST_ENCODINGS: readonly RTCRtpEncodingParameters[] = [
  { rid: 'h', scaleResolutionDownBy: 1, maxBitrate: 1_000_000 },
  { rid: 'm', scaleResolutionDownBy: 2, maxBitrate: 300_000 },
  { rid: 'l', scaleResolutionDownBy: 4, maxBitrate: 100_000 },
];

/** A screen share favours sharp text over motion: one layer, capped. */
export const SCREEN_ENCODING: RTCRtpEncodingParameters = { maxBitrate: 1_500_000 };

/**
 * While a two-person room goes direct, every camera layer keeps running to the SFU at these caps (by rid), so
 * that moving to the SFU when a third joins only lifts caps: no encoder starts.
 */
export const IDLE_LAYERS: Readonly<Record<string, { maxFramerate: number; maxBitrate: number }>> = {
  h: { maxFramerate: 1, maxBitrate: 20_000 },
  m: { maxFramerate: 1, maxBitrate: 10_000 },
  l: { maxFramerate: 5, maxBitrate: 20_000 },
};

/**
 * The encodings a sender to the SFU should have when its upload is `active` or not (`sfuUpload`). Inactive:
 * nothing is sent, except a simulcast camera's layers, kept warm at a trickle (IDLE_LAYERS), so that moving to
 * the SFU when a third joins lifts caps instead of starting the three-layer encoder from nothing (which froze
 * the direct picture for up to 1.6 s on a 2-core machine). Active: every layer on, with its own caps. Pure:
 * returns new objects, or null when nothing changes.
 */
export function uploadEncodings(
  encodings: readonly RTCRtpEncodingParameters[],
  active: boolean,
): RTCRtpEncodingParameters[] | null {
  const simulcast = encodings.length > 1 && encodings.every((e) => e.rid !== undefined && IDLE_LAYERS[e.rid]);
  const wanted = encodings.map((encoding) => {
    const next: RTCRtpEncodingParameters = { ...encoding };
    const base = SIMULCAST_ENCODINGS.find((e) => e.rid !== undefined && e.rid === encoding.rid);
    const idle = !active && simulcast ? IDLE_LAYERS[encoding.rid!] : undefined;
    if (idle) {
      next.active = true;
      next.maxFramerate = idle.maxFramerate;
      next.maxBitrate = idle.maxBitrate;
    } else {
      next.active = active;
      delete next.maxFramerate;
      if (base?.maxBitrate !== undefined) next.maxBitrate = base.maxBitrate;
    }
    return next;
  });
  const same = wanted.every(
    (w, i) =>
      w.active === encodings[i]!.active &&
      w.maxFramerate === encodings[i]!.maxFramerate &&
      w.maxBitrate === encodings[i]!.maxBitrate,
  );
  return same ? null : wanted;
}

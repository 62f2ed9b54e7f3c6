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

// RTP packetization of VP8 (RFC 7741) for the load bots. Pure.

/** Largest RTP payload we send: below the usual 1200-byte budget browsers keep for SRTP and extensions. */
export const MAX_RTP_PAYLOAD = 1100;

/**
 * Splits one VP8 frame into RTP payloads, each with the 1-byte VP8 payload descriptor (RFC 7741 4.2): S=1 on the
 * first, partition id 0, no extensions. The last payload carries the marker bit (the caller sets it).
 */
export function vp8Payloads(frame: Buffer, maxPayload = MAX_RTP_PAYLOAD): Buffer[] {
  if (maxPayload < 2) throw new Error('maxPayload too small');
  const chunk = maxPayload - 1;
  const count = Math.max(1, Math.ceil(frame.length / chunk));
  // Even split, so the last packet is not a sliver.
  const size = Math.ceil(frame.length / count);
  const out: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const part = frame.subarray(i * size, Math.min(frame.length, (i + 1) * size));
    out.push(Buffer.concat([Buffer.from([i === 0 ? 0x10 : 0x00]), part]));
  }
  return out;
}

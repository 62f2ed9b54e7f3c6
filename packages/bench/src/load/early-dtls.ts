// werift drops DTLS records that reach it before its DTLS transport has started (its ICE transport forwards
// them to a no-op until then). Janus answers a publisher's offer with `a=setup:active`: it is the DTLS client and
// sends its ClientHello the moment its own ICE check succeeds, which is often a few ms before werift's; the
// record is lost and Janus resends it after its 1 s retransmission timer. Browsers keep such early records, so
// without this every bot join carried ~1 s that no browser pays (measured: ICE connected +25 ms, DTLS +1.1 s).
// This keeps them too: records that arrive before the DTLS transport exists are held and handed to it once it
// does. It reaches into werift's internals (checked against the installed version; a change there throws here,
// it does not pass silently).
import type { RTCPeerConnection } from 'werift';

interface DtlsInternals {
  state: string;
  onStateChange: { subscribe(listener: (state: string) => void): unknown };
  iceTransport: { connection: { onData: { subscribe(listener: (data: Buffer) => void): unknown } } };
  dtls?: { transport?: { socket?: { onData?: (data: Buffer) => void } } };
}

/** DTLS records are the packets whose first byte is 20..63 (RFC 7983). */
function isDtls(data: Buffer): boolean {
  return data.length > 0 && data[0]! > 19 && data[0]! < 64;
}

/** Holds DTLS records that arrive before each of `pc`'s DTLS transports started. Call after setRemoteDescription. */
export function keepEarlyDtls(pc: RTCPeerConnection): void {
  for (const transport of pc.dtlsTransports as unknown as DtlsInternals[]) {
    if (transport.state !== 'new') continue;
    let held: Buffer[] | null = [];
    transport.iceTransport.connection.onData.subscribe((data) => {
      if (held && !transport.dtls && isDtls(data)) held.push(data);
    });
    transport.onStateChange.subscribe((state) => {
      if (state !== 'connecting' || !held) return;
      const early = held;
      held = null;
      // `connecting` is set just before the DTLS socket is made, in the same task.
      queueMicrotask(() => {
        const deliver = transport.dtls?.transport?.socket?.onData;
        if (typeof deliver !== 'function')
          throw new Error('werift internals changed: no DTLS socket to hand early records to');
        for (const record of early) deliver(record);
      });
    });
  }
}

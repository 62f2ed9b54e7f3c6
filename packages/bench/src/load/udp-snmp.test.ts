import { describe, expect, it } from 'vitest';
import { parseUdpSnmp } from './proc-usage.js';

describe('parseUdpSnmp', () => {
  it('reads the UDP datagrams and the receive-buffer drops by column name', () => {
    const text = `Ip: Forwarding DefaultTTL
Ip: 1 64
Udp: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors IgnoredMulti MemErrors
Udp: 1200 3 7 1100 5 0 0 0 0
UdpLite: InDatagrams NoPorts
UdpLite: 0 0
`;
    expect(parseUdpSnmp(text)).toEqual({ inDatagrams: 1200, rcvbufErrors: 5 });
    expect(parseUdpSnmp('')).toBeNull();
  });
});

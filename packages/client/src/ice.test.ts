import type { IceCandidate } from '@backdrop/protocol';
import { describe, expect, it } from 'vitest';
import { MAX_PENDING_REMOTE_CANDIDATES, TrickleIce } from './ice.js';

/** The RTCPeerConnection surface TrickleIce uses: icecandidate events, remoteDescription, addIceCandidate. */
class FakePeerConnection extends EventTarget {
  remoteDescription: { type: string; sdp: string } | null = null;
  readonly added: (IceCandidate | 'end')[] = [];
  refuse = false;
  async addIceCandidate(candidate?: IceCandidate): Promise<void> {
    if (this.refuse) throw new Error('refused');
    this.added.push(candidate ?? 'end');
  }
  gather(candidate: { candidate: string; sdpMid: string | null; sdpMLineIndex: number | null } | null): void {
    this.dispatchEvent(Object.assign(new Event('icecandidate'), { candidate }));
  }
}

const HOST = {
  candidate: 'candidate:1 1 udp 2122260223 192.0.2.1 5000 typ host',
  sdpMid: '0',
  sdpMLineIndex: 0,
};
const RELAY = {
  candidate: 'candidate:2 1 udp 41885439 203.0.113.5 49200 typ relay',
  sdpMid: '0',
  sdpMLineIndex: 0,
};

function setUp() {
  const pc = new FakePeerConnection();
  const sent: (IceCandidate | null)[] = [];
  const errors: unknown[] = [];
  const ice = new TrickleIce({
    pc: pc as unknown as RTCPeerConnection,
    send: (c) => sent.push(c),
    onError: (e) => errors.push(e),
  });
  return { pc, ice, sent, errors };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('TrickleIce', () => {
  it('sends each gathered candidate as it comes, then null; skips the empty end-of-generation one', () => {
    const { pc, sent } = setUp();
    pc.gather(HOST);
    pc.gather({ candidate: '', sdpMid: '0', sdpMLineIndex: 0 });
    pc.gather(RELAY);
    pc.gather(null);
    expect(sent).toEqual([HOST, RELAY, null]);
  });

  it("holds the SFU's candidates until the remote description is set, then applies them in order", async () => {
    const { pc, ice } = setUp();
    ice.addRemote(HOST);
    ice.addRemote(null);
    await flush();
    expect(pc.added).toEqual([]);
    pc.remoteDescription = { type: 'answer', sdp: 'v=0' };
    ice.remoteDescriptionSet();
    ice.addRemote(RELAY);
    await flush();
    expect(pc.added).toEqual([HOST, 'end', RELAY]);
  });

  it('reports refused candidates and a flood of early ones instead of throwing', async () => {
    const { pc, ice, errors } = setUp();
    for (let i = 0; i <= MAX_PENDING_REMOTE_CANDIDATES; i++) ice.addRemote(HOST);
    expect(errors).toHaveLength(1);
    pc.remoteDescription = { type: 'offer', sdp: 'v=0' };
    pc.refuse = true;
    ice.addRemote(RELAY);
    await flush();
    expect(errors).toHaveLength(2);
  });
});

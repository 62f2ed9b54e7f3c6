/**
 * Waits until the PeerConnection has gathered its candidates (we signal without trickle: the SFU is reached on
 * host candidates), or `timeoutMs` passes; whatever was gathered by then goes in the SDP.
 */
export function iceGatheringDone(pc: RTCPeerConnection, timeoutMs = 2000): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      pc.removeEventListener('icegatheringstatechange', check);
      resolve();
    };
    const check = () => {
      if (pc.iceGatheringState === 'complete') done();
    };
    const timer = setTimeout(done, timeoutMs);
    pc.addEventListener('icegatheringstatechange', check);
  });
}

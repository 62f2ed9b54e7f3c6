import { beforeAll, describe, expect, it } from 'vitest';
import { asTrack, FakeTrack, installFakeMedia } from '../test/fake-media.js';
import { DirectPath } from './direct-path.js';

/** The part of RTCPeerConnection a DirectPath uses, recording the tracks it adds and swaps. */
class FakeDirectPc extends EventTarget {
  readonly added: { track: FakeTrack; sender: { track: FakeTrack } }[] = [];
  signalingState: RTCSignalingState = 'stable';
  localDescription: { type: 'offer' | 'answer'; sdp: string } | null = null;
  createDataChannel() {
    return new EventTarget();
  }
  addTrack(track: FakeTrack) {
    const sender = {
      track,
      async replaceTrack(next: FakeTrack) {
        sender.track = next;
      },
    };
    this.added.push({ track, sender });
    return sender;
  }
  async setRemoteDescription(description: { type: string }) {
    this.signalingState = description.type === 'offer' ? 'have-remote-offer' : 'stable';
  }
  async setLocalDescription() {
    this.localDescription = {
      type: this.signalingState === 'have-remote-offer' ? 'answer' : 'offer',
      sdp: 'v=0',
    };
    this.signalingState = 'stable';
  }
  async addIceCandidate() {}
  restartIce() {}
  close() {}
  /** What each added sender sends now. */
  sending(): string[] {
    return this.added.map((a) => a.sender.track.id);
  }
}

function path(polite: boolean, tracks: FakeTrack[]) {
  const pc = new FakeDirectPc();
  const direct = new DirectPath({
    peerId: 'peer',
    polite,
    pc: pc as unknown as RTCPeerConnection,
    tracks: tracks.map(asTrack),
    send: () => undefined,
    onError: (message, error) => {
      throw new Error(`${message}: ${String(error)}`);
    },
  });
  return { pc, direct };
}

const offer = { description: { type: 'offer' as const, sdp: 'v=0' } };

describe('DirectPath tracks', () => {
  beforeAll(installFakeMedia);

  it('the polite side sends the video swapped in before the first offer, not the one it was made with', async () => {
    const raw = new FakeTrack('video');
    const mic = new FakeTrack('audio');
    const { pc, direct } = path(true, [raw, mic]);
    expect(pc.added).toEqual([]);
    const effect = new FakeTrack('video');
    await direct.replaceVideoTrack(asTrack(effect));
    await direct.handleSignal(offer);
    expect(pc.sending().sort()).toEqual([effect.id, mic.id].sort());
    expect(pc.sending()).not.toContain(raw.id);
  });

  it('swaps a track that is sent, without adding one', async () => {
    const camera = new FakeTrack('video');
    const mic = new FakeTrack('audio');
    const { pc, direct } = path(false, [camera, mic]);
    const other = new FakeTrack('audio');
    await direct.replaceAudioTrack(asTrack(other));
    expect(pc.added).toHaveLength(2);
    expect(pc.sending().sort()).toEqual([camera.id, other.id].sort());
  });

  it('adds a first microphone that comes after the path was made (addTrack: the browser renegotiates)', async () => {
    const camera = new FakeTrack('video');
    const { pc, direct } = path(false, [camera]);
    const mic = new FakeTrack('audio');
    await direct.replaceAudioTrack(asTrack(mic));
    expect(pc.sending()).toEqual([camera.id, mic.id]);
    // A closed path adds nothing.
    direct.close();
    await direct.replaceAudioTrack(asTrack(new FakeTrack('audio')));
    expect(pc.added).toHaveLength(2);
  });
});

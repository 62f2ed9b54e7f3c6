import { beforeAll, describe, expect, it } from 'vitest';
import { asTrack, FakeTrack, installFakeMedia } from '../test/fake-media.js';
import { DirectPath } from './direct-path.js';

/** The part of RTCPeerConnection a DirectPath uses, recording the tracks it adds and swaps. */
type FakeSender = { track: FakeTrack | null; replaceTrack(next: FakeTrack): Promise<void> };

function fakeSender(track: FakeTrack | null): FakeSender {
  const sender: FakeSender = {
    track,
    async replaceTrack(next: FakeTrack) {
      sender.track = next;
    },
  };
  return sender;
}

class FakeDirectPc extends EventTarget {
  readonly added: { track: FakeTrack; sender: FakeSender }[] = [];
  /** addTransceiver's: an m-line with no track yet. */
  readonly empty: { kind: string; sender: FakeSender }[] = [];
  signalingState: RTCSignalingState = 'stable';
  localDescription: { type: 'offer' | 'answer'; sdp: string } | null = null;
  createDataChannel() {
    return new EventTarget();
  }
  addTrack(track: FakeTrack) {
    const sender = fakeSender(track);
    this.added.push({ track, sender });
    return sender;
  }
  addTransceiver(kind: string) {
    const sender = fakeSender(null);
    this.empty.push({ kind, sender });
    return { sender };
  }
  /** No m-line of the peer's offer here: the polite side adds its own, as the impolite one does. */
  getTransceivers() {
    return [];
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
  /** What each sender sends now (a sender with no track: none). */
  sending(): string[] {
    return [...this.added, ...this.empty].flatMap((a) => (a.sender.track ? [a.sender.track.id] : []));
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

  it('keeps an m-line for a kind it has no track of, and puts a later first microphone on it (no renegotiation)', async () => {
    const camera = new FakeTrack('video');
    const { pc, direct } = path(false, [camera]);
    expect(pc.empty.map((e) => e.kind)).toEqual(['audio']);
    expect(pc.sending()).toEqual([camera.id]);
    const mic = new FakeTrack('audio');
    await direct.replaceAudioTrack(asTrack(mic));
    expect(pc.sending()).toEqual([camera.id, mic.id]);
    expect([pc.added.length, pc.empty.length]).toEqual([1, 1]);
    // A closed path changes nothing.
    direct.close();
    await direct.replaceAudioTrack(asTrack(new FakeTrack('audio')));
    expect(pc.sending()).toEqual([camera.id, mic.id]);
  });

  it('made with no tracks at all (the publish does not wait for the camera), it keeps both m-lines', async () => {
    const { pc, direct } = path(true, []);
    await direct.handleSignal(offer);
    expect(pc.empty.map((e) => e.kind).sort()).toEqual(['audio', 'video']);
    const camera = new FakeTrack('video');
    await direct.replaceVideoTrack(asTrack(camera));
    expect(pc.sending()).toEqual([camera.id]);
    expect(pc.added).toEqual([]);
  });
});

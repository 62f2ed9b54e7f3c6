import { describe, expect, it } from 'vitest';
import type { PeerSignal } from './direct-path.js';
import { type DirectLink, MediaPaths } from './media-paths.js';

/** A stand-in for a MediaStreamTrack: only identity and `ended` matter here. */
function track(label: string): MediaStreamTrack {
  return {
    label,
    kind: label.includes('v') ? 'video' : 'audio',
    addEventListener() {},
  } as unknown as MediaStreamTrack;
}

class FakeLink implements DirectLink {
  finished = false;
  closed = false;
  readonly signals: PeerSignal[] = [];
  readonly replaced: MediaStreamTrack[] = [];
  private readonly listeners = new Map<string, ((...args: never[]) => void)[]>();
  constructor(
    readonly peerId: string,
    readonly polite: boolean,
    readonly tracks: readonly MediaStreamTrack[],
  ) {}
  async handleSignal(signal: PeerSignal) {
    this.signals.push(signal);
  }
  async replaceVideoTrack(t: MediaStreamTrack) {
    this.replaced.push(t);
  }
  async replaceAudioTrack(t: MediaStreamTrack) {
    this.replaced.push(t);
  }
  finish() {
    this.finished = true;
  }
  close() {
    this.closed = true;
    this.fire('closed');
  }
  on(event: string, listener: (...args: never[]) => void) {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  fire(event: string, ...args: unknown[]) {
    for (const l of this.listeners.get(event) ?? []) (l as (...a: unknown[]) => void)(...args);
  }
}

function setup() {
  const links: FakeLink[] = [];
  /** Receivers whose media "flows" when the test resolves them. */
  const flows = new Map<RTCRtpReceiver, () => void>();
  const screen = new Map<string, Set<string>>();
  const log: string[] = [];
  const ready: string[] = [];
  const paths = new MediaPaths({
    createDirect: (peerId, polite, tracks) => {
      const link = new FakeLink(peerId, polite, tracks);
      links.push(link);
      return link;
    },
    whenFlowing: (receiver, signal) =>
      new Promise((resolve, reject) => {
        flows.set(receiver, resolve);
        signal.addEventListener('abort', () => reject(signal.reason));
      }),
    swap: (id, shownTracks, hiddenTracks) => {
      const set = screen.get(id) ?? new Set<string>();
      for (const t of shownTracks) set.add(t.label);
      for (const t of hiddenTracks) set.delete(t.label);
      screen.set(id, set);
      log.push(
        [...shownTracks.map((t) => `+${t.label}`), ...hiddenTracks.map((t) => `-${t.label}`)].join(' '),
      );
    },
    sendDirectMedia: (peerId, receiving) => ready.push(`${peerId} ${receiving}`),
  });
  const receiver = (t: MediaStreamTrack) => ({ track: t }) as unknown as RTCRtpReceiver;
  const flow = async (r: RTCRtpReceiver) => {
    flows.get(r)!();
    await Promise.resolve();
    await Promise.resolve();
  };
  const shown = (id: string) => [...(screen.get(id) ?? [])].sort();
  return { paths, links, flow, receiver, shown, log, ready, watched: () => [...flows.keys()] };
}

describe('MediaPaths', () => {
  it('SFU to direct: the SFU tracks stay until the direct ones flow, then directMedia', async () => {
    const { paths, links, flow, receiver, shown, ready } = setup();
    const local = [track('la'), track('lv')];
    paths.setLocalTracks(local);
    const [sa, sv] = [track('sa'), track('sv')];
    const [rsa, rsv] = [receiver(sa), receiver(sv)];
    paths.trackAdded('sfu', 'p_b', sa, rsa);
    paths.trackAdded('sfu', 'p_b', sv, rsv);
    expect(shown('p_b')).toEqual(['sa', 'sv']);
    paths.onMediaPath({ type: 'mediaPath', path: 'direct', peerId: 'p_b', polite: true });
    expect(links).toHaveLength(1);
    expect(links[0]).toMatchObject({ peerId: 'p_b', polite: true, tracks: local });
    const [da, dv] = [track('da'), track('dv')];
    const [rda, rdv] = [receiver(da), receiver(dv)];
    links[0]!.fire('track', da, rda);
    links[0]!.fire('track', dv, rdv);
    await flow(rdv);
    expect(shown('p_b')).toEqual(['sa', 'sv']);
    expect(ready).toEqual([]);
    await flow(rda);
    expect(shown('p_b')).toEqual(['da', 'dv']);
    expect(ready).toEqual(['p_b true']);
    // The server pauses the SFU's streams (their tracks stay, silent): nothing changes on screen.
    expect(shown('p_b')).toEqual(['da', 'dv']);
    // A resume's repeated `mediaPath` for the same peer keeps the path.
    paths.onMediaPath({ type: 'mediaPath', path: 'direct', peerId: 'p_b', polite: true });
    expect(links).toHaveLength(1);
    expect(shown('p_b')).toEqual(['da', 'dv']);
    const newVideo = track('lv2');
    await paths.replaceVideoTrack(newVideo);
    expect(links[0]!.replaced).toEqual([newVideo]);
    const newMic = track('la2');
    await paths.replaceAudioTrack(newMic);
    expect(links[0]!.replaced).toEqual([newVideo, newMic]);
  });

  it('direct to SFU: direct stays on screen until the resumed SFU streams flow, then the link is finished', async () => {
    const { paths, links, flow, receiver, shown, log, ready } = setup();
    const sv = track('sv');
    const rsv = receiver(sv);
    paths.trackAdded('sfu', 'p_b', sv, rsv);
    paths.onMediaPath({ type: 'mediaPath', path: 'direct', peerId: 'p_b', polite: false });
    const dv = track('dv');
    const rdv = receiver(dv);
    links[0]!.fire('track', dv, rdv);
    await flow(rdv);
    expect(shown('p_b')).toEqual(['dv']);
    expect(ready).toEqual(['p_b true']);
    // A third joined: the SFU resumes the paused streams; their tracks must be seen flowing again.
    paths.onMediaPath({ type: 'mediaPath', path: 'sfu' });
    expect(shown('p_b')).toEqual(['dv']);
    expect(links[0]!.finished).toBe(false);
    await flow(rsv);
    expect(shown('p_b')).toEqual(['sv']);
    expect(links[0]!.finished).toBe(true);
    // One swap, the new track in and the old one out before any listener runs: no gap, no duplicate.
    expect(log.at(-1)).toEqual('+sv -dv');
    links[0]!.close();
    expect(shown('p_b')).toEqual(['sv']);
    expect(ready).toEqual(['p_b true']);
  });

  it('a direct path that fails after taking over gives the SFU back, and tells the server', async () => {
    const { paths, links, flow, receiver, shown, ready } = setup();
    const sv = track('sv');
    paths.trackAdded('sfu', 'p_b', sv, receiver(sv));
    paths.onMediaPath({ type: 'mediaPath', path: 'direct', peerId: 'p_b', polite: false });
    const dv = track('dv');
    const rdv = receiver(dv);
    links[0]!.fire('track', dv, rdv);
    await flow(rdv);
    expect(shown('p_b')).toEqual(['dv']);
    links[0]!.close(); // ICE failed for good
    expect(ready).toEqual(['p_b true', 'p_b false']);
    expect(shown('p_b')).toEqual(['sv']);
  });

  it('shows a participant that is not the direct peer at once, without watching its receivers', () => {
    const { paths, receiver, shown, watched } = setup();
    const cv = track('cv');
    paths.trackAdded('sfu', 'p_c', cv, receiver(cv));
    expect(shown('p_c')).toEqual(['cv']);
    expect(watched()).toEqual([]);
    paths.onMediaPath({ type: 'mediaPath', path: 'direct', peerId: 'p_b', polite: false });
    const bv = track('bv');
    const rbv = receiver(bv);
    paths.trackAdded('sfu', 'p_b', bv, rbv);
    expect(watched()).toEqual([rbv]);
  });

  it('a new direct path closes the old one; signals go only to the current peer', () => {
    const { paths, links } = setup();
    paths.onMediaPath({ type: 'mediaPath', path: 'direct', peerId: 'p_b', polite: false });
    paths.onPeerSignal({ type: 'peerSignal', from: 'p_b', candidate: null });
    paths.onPeerSignal({ type: 'peerSignal', from: 'p_x', candidate: null });
    expect(links[0]!.signals).toEqual([{ candidate: null }]);
    paths.onMediaPath({ type: 'mediaPath', path: 'direct', peerId: 'p_c', polite: true });
    expect(links[0]!.closed).toBe(true);
    paths.onPeerSignal({ type: 'peerSignal', from: 'p_b', candidate: null });
    expect(links[0]!.signals).toHaveLength(1);
  });

  it('the peer leaving closes the link; close() closes everything', () => {
    const { paths, links } = setup();
    paths.onMediaPath({ type: 'mediaPath', path: 'direct', peerId: 'p_b', polite: false });
    paths.participantLeft('p_b');
    expect(links[0]!.closed).toBe(true);
    paths.onMediaPath({ type: 'mediaPath', path: 'direct', peerId: 'p_c', polite: false });
    paths.close();
    expect(links[1]!.closed).toBe(true);
  });
});

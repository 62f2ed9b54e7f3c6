let nextTrackId = 1;

/** The MediaStreamTrack surface the SDK touches: id, kind, enabled. */
export class FakeTrack {
  readonly id: string;
  enabled = true;
  constructor(readonly kind: 'audio' | 'video') {
    this.id = `${kind}-${nextTrackId++}`;
  }
}

/** MediaStream as RemoteParticipant and publish use it. */
export class FakeMediaStream {
  private readonly tracks: FakeTrack[] = [];
  constructor(tracks: FakeTrack[] = []) {
    this.tracks.push(...tracks);
  }
  getTracks(): FakeTrack[] {
    return [...this.tracks];
  }
  getVideoTracks(): FakeTrack[] {
    return this.tracks.filter((t) => t.kind === 'video');
  }
  getAudioTracks(): FakeTrack[] {
    return this.tracks.filter((t) => t.kind === 'audio');
  }
  getTrackById(id: string): FakeTrack | null {
    return this.tracks.find((t) => t.id === id) ?? null;
  }
  addTrack(track: FakeTrack): void {
    if (!this.tracks.includes(track)) this.tracks.push(track);
  }
  removeTrack(track: FakeTrack): void {
    const index = this.tracks.indexOf(track);
    if (index >= 0) this.tracks.splice(index, 1);
  }
}

/** Node has no MediaStream: the fake stands in for it (the only global fake; everything else is injected). */
export function installFakeMedia(): void {
  (globalThis as { MediaStream?: unknown }).MediaStream ??= FakeMediaStream;
}

export const asTrack = (track: FakeTrack) => track as unknown as MediaStreamTrack;

/** Where a remote participant's media reaches us from: the SFU's subscriber PeerConnection, or a direct one. */
export type MediaSource = 'sfu' | 'direct';

/**
 * One remote participant's tracks from each path and which path is shown, with no gap on a switch: the path
 * the server chose (`prefer`) is shown once its media flows; until then the other path's tracks stay on screen
 * if it has any. Pure: tracks are only compared by identity.
 */
export class TrackSources<T> {
  private preferred: MediaSource = 'sfu';
  private readonly tracks: Record<MediaSource, Set<T>> = { sfu: new Set(), direct: new Set() };
  /** Tracks seen carrying media (decoded frames, received packets) since they were added. */
  private readonly flowingTracks = new Set<T>();

  get preference(): MediaSource {
    return this.preferred;
  }

  prefer(source: MediaSource): void {
    this.preferred = source;
  }

  add(source: MediaSource, track: T): void {
    this.tracks[source].add(track);
  }

  remove(source: MediaSource, track: T): void {
    this.tracks[source].delete(track);
    this.flowingTracks.delete(track);
  }

  /** Drops every track of one source (its PeerConnection closed). */
  clear(source: MediaSource): void {
    for (const track of this.tracks[source]) this.flowingTracks.delete(track);
    this.tracks[source].clear();
  }

  /** The track carries media: called by whoever watches its receiver. Ignored for a track no longer here. */
  flowing(track: T): void {
    if (this.tracks.sfu.has(track) || this.tracks.direct.has(track)) this.flowingTracks.add(track);
  }

  /** Forgets that the source's tracks carried media (they were paused): they must be seen flowing again. */
  unflow(source: MediaSource): void {
    for (const track of this.tracks[source]) this.flowingTracks.delete(track);
  }

  tracksOf(source: MediaSource): T[] {
    return [...this.tracks[source]];
  }

  all(): T[] {
    return [...this.tracks.sfu, ...this.tracks.direct];
  }

  has(source: MediaSource): boolean {
    return this.tracks[source].size > 0;
  }

  /** Every track of the source carries media. */
  isFlowing(source: MediaSource): boolean {
    const tracks = this.tracks[source];
    return tracks.size > 0 && [...tracks].every((t) => this.flowingTracks.has(t));
  }

  /** The source on screen: the preferred one once it flows, or while the other has nothing to show. */
  get shown(): MediaSource {
    const other: MediaSource = this.preferred === 'sfu' ? 'direct' : 'sfu';
    return this.isFlowing(this.preferred) || !this.has(other) ? this.preferred : other;
  }

  /** The tracks to put in the participant's stream. */
  shownTracks(): T[] {
    return [...this.tracks[this.shown]];
  }
}

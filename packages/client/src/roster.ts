import type { ParticipantInfo, Role, SubscribedStream } from '@backdrop/protocol';
import { type ParticipantConnection, RemoteParticipant } from './participant.js';
import { planTrackMoves } from './stream-map.js';

/** What the roster tells its owner (Room re-emits each as its own event). */
export interface RosterEvents {
  participantJoined(participant: RemoteParticipant): void;
  participantLeft(participant: RemoteParticipant): void;
  trackSubscribed(track: MediaStreamTrack, participant: RemoteParticipant): void;
  trackUnsubscribed(track: MediaStreamTrack, participant: RemoteParticipant): void;
  participantConnection(participant: RemoteParticipant, state: ParticipantConnection): void;
  participantRole(participant: RemoteParticipant, role: Role): void;
  /** Its sharing flag or its screen tracks changed. */
  screenShareChanged(participant: RemoteParticipant): void;
}

/** A receiver track of the subscriber PeerConnection and the m-line it arrives on. */
export interface ReceivedTrack {
  mid: string;
  track: MediaStreamTrack;
  receiver: RTCRtpReceiver;
}

/**
 * Where the SFU's tracks go before they are shown: MediaPaths, which picks, per participant, the SFU's tracks
 * or the direct path's, and calls the Roster's `swapTracks`.
 */
export interface TrackRouter {
  trackAdded(source: 'sfu', participantId: string, track: MediaStreamTrack, receiver: RTCRtpReceiver): void;
  trackRemoved(source: 'sfu', participantId: string, track: MediaStreamTrack): void;
  participantLeft(participantId: string): void;
}

/**
 * The other participants and which subscriber m-line carries whose media: every change goes through here so
 * joins, leaves and track moves are announced exactly once.
 */
export class Roster {
  readonly participants = new Map<string, RemoteParticipant>();
  /** Which participant each subscriber m-line (mid) carries, as of the last applied offer. */
  private midOwners = new Map<string, string>();
  /** The same for screen-share m-lines: those go straight to the participant's screenStream (SFU only). */
  private screenMidOwners = new Map<string, string>();

  constructor(
    private readonly events: RosterEvents,
    private readonly router: TrackRouter,
  ) {}

  /** Puts a track in the participant's stream (MediaPaths chose to show it). */
  /**
   * Puts `shown` into the participant's stream and takes `hidden` out (new tracks first, so the stream never
   * lacks a kind during a switch of paths), then announces the changes: a listener that takes long (or a
   * main thread stalled by the machine) cannot hold a tile without video between the two halves of a switch.
   */
  swapTracks(
    participantId: string,
    shown: readonly MediaStreamTrack[],
    hidden: readonly MediaStreamTrack[],
  ): void {
    const participant = this.participants.get(participantId);
    if (!participant) return;
    const added = shown.filter((track) => !participant.stream.getTrackById(track.id));
    const removed = hidden.filter((track) => participant.stream.getTrackById(track.id));
    for (const track of added) participant.stream.addTrack(track);
    for (const track of removed) participant.stream.removeTrack(track);
    for (const track of added) this.events.trackSubscribed(track, participant);
    for (const track of removed) this.events.trackUnsubscribed(track, participant);
  }

  add(info: ParticipantInfo): void {
    if (this.participants.has(info.id)) return;
    const participant = new RemoteParticipant(info.id, info.name, info.role);
    this.participants.set(info.id, participant);
    this.events.participantJoined(participant);
  }

  remove(id: string): void {
    const participant = this.participants.get(id);
    if (!participant) return;
    this.router.participantLeft(id);
    this.dropTracks(participant);
    for (const [mid, owner] of this.midOwners) if (owner === id) this.midOwners.delete(mid);
    for (const [mid, owner] of this.screenMidOwners) if (owner === id) this.screenMidOwners.delete(mid);
    this.participants.delete(id);
    this.events.participantLeft(participant);
  }

  /**
   * Makes the roster the server's list (after a resume or a fresh join): those gone leave, new ones join,
   * the others stay as they are. `exclude`: our own ids, current and former.
   */
  sync(list: readonly ParticipantInfo[], exclude: readonly (string | undefined)[]): void {
    const present = list.filter((info) => !exclude.includes(info.id));
    const ids = new Set(present.map((info) => info.id));
    for (const id of [...this.participants.keys()]) if (!ids.has(id)) this.remove(id);
    for (const info of present) {
      this.add(info);
      this.setRole(info.id, info.role ?? 'participant');
    }
  }

  setRole(id: string, role: Role): void {
    const participant = this.participants.get(id);
    if (participant?.setRole(role)) this.events.participantRole(participant, role);
  }

  /** The server says `id` started or stopped sharing. */
  setSharing(id: string, sharing: boolean): void {
    const participant = this.participants.get(id);
    if (participant?.setSharing(sharing)) this.events.screenShareChanged(participant);
  }

  /** A new `joined`: nobody is sharing until the server's `screenShare` notices that follow it say so. */
  clearSharing(): void {
    for (const participant of this.participants.values())
      if (participant.setSharing(false)) this.events.screenShareChanged(participant);
  }

  setConnection(id: string, state: ParticipantConnection): void {
    const participant = this.participants.get(id);
    if (participant?.setConnection(state)) this.events.participantConnection(participant, state);
  }

  /** The subscriber PeerConnection is gone: every track is unsubscribed and no m-line has an owner. */
  clearTracks(): void {
    for (const participant of this.participants.values()) this.dropTracks(participant);
    this.midOwners = new Map();
    this.screenMidOwners = new Map();
  }

  /** Everyone leaves. */
  clear(): void {
    for (const id of [...this.participants.keys()]) this.remove(id);
    this.midOwners = new Map();
    this.screenMidOwners = new Map();
  }

  /** Moves each receiver track to the participant its m-line now carries (the SFU recycles m-lines). */
  applyStreams(received: readonly ReceivedTrack[], streams: readonly SubscribedStream[]): void {
    const present = streams.filter((s) => this.participants.has(s.participantId));
    const active = present.filter((s) => s.source !== 'screen');
    const tracks = new Map(received.map((r) => [r.mid, r]));
    for (const move of planTrackMoves(this.midOwners, active)) {
      const got = tracks.get(move.mid);
      if (got && move.from && this.participants.has(move.from))
        this.router.trackRemoved('sfu', move.from, got.track);
      if (move.to) this.midOwners.set(move.mid, move.to);
      else this.midOwners.delete(move.mid);
      if (got && move.to && this.participants.has(move.to))
        this.router.trackAdded('sfu', move.to, got.track, got.receiver);
    }
    this.applyScreenStreams(
      tracks,
      present.filter((s) => s.source === 'screen'),
    );
  }

  /** Screen-share m-lines: through the SFU only (a direct pair moves to the SFU while one shares). */
  private applyScreenStreams(tracks: ReadonlyMap<string, ReceivedTrack>, streams: SubscribedStream[]): void {
    const changed = new Set<RemoteParticipant>();
    for (const move of planTrackMoves(this.screenMidOwners, streams)) {
      const got = tracks.get(move.mid);
      const from = move.from === undefined ? undefined : this.participants.get(move.from);
      const to = move.to === undefined ? undefined : this.participants.get(move.to);
      if (got && from?.screenStream.getTrackById(got.track.id)) {
        from.screenStream.removeTrack(got.track);
        changed.add(from);
      }
      if (move.to) this.screenMidOwners.set(move.mid, move.to);
      else this.screenMidOwners.delete(move.mid);
      if (got && to && !to.screenStream.getTrackById(got.track.id)) {
        to.screenStream.addTrack(got.track);
        changed.add(to);
      }
    }
    for (const participant of changed) this.events.screenShareChanged(participant);
  }

  private dropTracks(participant: RemoteParticipant): void {
    for (const track of participant.stream.getTracks()) {
      participant.stream.removeTrack(track);
      this.events.trackUnsubscribed(track, participant);
    }
    const screen = participant.screenStream.getTracks();
    for (const track of screen) participant.screenStream.removeTrack(track);
    if (screen.length > 0) this.events.screenShareChanged(participant);
  }
}

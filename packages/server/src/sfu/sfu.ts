import type { EventEmitter } from 'node:events';
import type { SfuRemotes } from './videoroom-remote.js';

/** A stream of a subscriber PeerConnection: which m-line carries which feed's audio or video. */
export interface SfuStream {
  mid: string;
  feedId: number;
  kind: 'audio' | 'video';
  /** The publisher's mid this stream comes from (which of its m-lines: camera or screen share). */
  feedMid?: string | undefined;
}

/** One ICE candidate of a PeerConnection (the browser's, or the SFU's side of it). */
export interface SfuCandidate {
  candidate: string;
  sdpMid?: string | null | undefined;
  sdpMLineIndex?: number | null | undefined;
}

/** Trickle ICE on one handle: send the browser's candidates, hear the SFU's own (null: end-of-candidates). */
export interface SfuTrickle {
  /** Hands one browser candidate (null: the browser has gathered them all) to the SFU. */
  trickle(candidate: SfuCandidate | null): Promise<void>;
}

/** An SDP offer from the SFU for a subscriber, with the streams it carries. */
export interface SfuOffer {
  sdp: string;
  streams: SfuStream[];
}

export interface SfuPublisherEvents {
  /** The publisher's PeerConnection is up: others may subscribe now. */
  connected: [];
  /** The publisher's PeerConnection went away (ICE failure, browser gone). */
  hangup: [reason: string];
  /** A candidate of the SFU's side (only when the SFU trickles its own; null: end-of-candidates). */
  candidate: [SfuCandidate | null];
  /** The SFU's audio-level verdict on this publisher's audio: talking (true) or stopped talking (false). */
  talking: [boolean];
}

/** One participant's sending side in the SFU. */
export interface SfuPublisher extends EventEmitter<SfuPublisherEvents>, SfuTrickle {
  /** Sends the browser's offer; resolves with the SFU's answer SDP. */
  publish(offerSdp: string): Promise<string>;
  /**
   * A later offer on the same handle after the first publish: an ICE restart (new ufrag) of a live
   * PeerConnection, or a new PeerConnection after the SFU hung the old one up. Resolves with the answer SDP.
   */
  restartIce(offerSdp: string): Promise<string>;
  close(): Promise<void>;
}

export interface SfuSubscriberEvents {
  /** The SFU renegotiated on its own (e.g. a publisher vanished): the browser must answer this offer. */
  offer: [SfuOffer];
  /** A candidate of the SFU's side (only when the SFU trickles its own; null: end-of-candidates). */
  candidate: [SfuCandidate | null];
}

/** One participant's receiving side: a single multistream PeerConnection carrying every feed it wants. */
export interface SfuSubscriber extends EventEmitter<SfuSubscriberEvents>, SfuTrickle {
  /** Adds and removes feeds; resolves with the offer to send to the browser, or null if nothing changed. */
  update(change: { add: number[]; remove: number[] }): Promise<SfuOffer | null>;
  /** Hands the browser's answer to the last offer to the SFU. */
  answer(sdp: string): Promise<void>;
  /**
   * Asks the SFU for an ICE-restart offer of the current PeerConnection (same streams, new credentials). Only
   * once an offer was answered; the caller must not have an offer waiting for its answer.
   */
  restartIce(): Promise<SfuOffer>;
  /**
   * Pauses (`send: false`) or resumes streams of the current PeerConnection by mid, with no renegotiation: the
   * m-lines stay, so resuming needs no offer/answer (the SFU asks the publisher for a keyframe). Only once
   * an offer was made. `substream` picks the simulcast layer relayed (0 lowest .. 2 highest) of a video.
   */
  setSending(
    streams: readonly { mid: string; send: boolean; substream?: 0 | 1 | 2 | undefined }[],
  ): Promise<void>;
  close(): Promise<void>;
}

/** What the room layer needs from an SFU. VideoRoomSfu implements it over Janus; tests use a fake. */
export interface Sfu {
  createRoom(roomId: number, maxPublishers: number): Promise<void>;
  destroyRoom(roomId: number): Promise<void>;
  createPublisher(roomId: number, feedId: number, display: string): Promise<SfuPublisher>;
  createSubscriber(roomId: number): Promise<SfuSubscriber>;
  /** Remote publishers (cascading a room over several SFUs), where the SFU has them. */
  readonly remotes?: SfuRemotes;
}

import { randomBytes, randomInt } from 'node:crypto';
import type { IceTarget, MediaSource, ParticipantInfo, Role, ServerMessage } from '@backdrop/protocol';
import type { Logger } from '../logger.js';
import type { SfuCandidate, SfuPublisher } from '../sfu/sfu.js';
import { publisherLines, publisherSources } from './stream-sources.js';
import type { Subscription } from './subscription.js';
import { TrickleGate } from './trickle-gate.js';

/** Where a participant's server messages go: its signalling connection. */
export type MessageSink = (message: ServerMessage) => void;

/** The signalling connection a participant is reached on. */
export interface Link {
  send: MessageSink;
  /**
   * The participant was resumed on another connection while still on this one: this connection must close
   * (with `resumedElsewhere`) without taking the participant out of its room.
   */
  replaced(): void;
  /** A host removed the participant: this connection must close (with `removed`) and not come back. */
  removed?(): void;
}

/**
 * Where a participant's messages go now: the connection it is on, or nowhere while it is away (socket lost,
 * resume window open). Handed to the SFU callbacks at creation, so a resume moves them all at once.
 */
export class Relay {
  constructor(private link: Link | undefined) {}

  get current(): Link | undefined {
    return this.link;
  }

  readonly send: MessageSink = (message) => this.link?.send(message);

  /** Messages go to `link` from now on. */
  attach(link: Link): void {
    this.link = link;
  }

  /** Messages are dropped until the next `attach`. */
  detach(): void {
    this.link = undefined;
  }
}

/** A fresh server-stamped identity. Ids are never taken from a client. */
export function newIdentity(): { id: string; feedId: number } {
  return { id: `p_${randomBytes(9).toString('base64url')}`, feedId: randomInt(1, 2 ** 47) };
}

/** One person in one room: their SFU publisher and subscription, and the socket they are reached on. */
export class Participant {
  /** True once the publisher's media reached the SFU; only then can others subscribe to it. */
  publishing = false;
  /** True once a publish offer was accepted: one publish per join (renegotiation is not supported yet). */
  offered = false;
  /** Decided by the room (rooms/hosts.ts) when it is added, and when the last host leaves. */
  role: Role = 'participant';
  /** Which source each of its publisher's mids carries (stream-sources.ts), from its publish offer. */
  sources = new Map<string, MediaSource>();
  /** Its publisher's m-lines in order, with their sources (a remote publisher on another node mirrors them). */
  lines: { kind: 'audio' | 'video'; source: MediaSource }[] = [];
  /** Sharing its screen now (its `screenShare`); while anyone shares, the room stays on the SFU. */
  sharing = false;
  /** `videoLayers` requests it may still make now (a token bucket, see Room.setVideoLayers). */
  layerRequests: { take(nowMs: number): boolean } | undefined;
  /** The browser's publisher candidates, held until the SFU has answered its offer. */
  private readonly publisherIce: TrickleGate;
  /** While away: when the socket was lost, and the timer that removes the participant when the window ends. */
  private away: { sinceMs: number; expiry: NodeJS.Timeout } | undefined;

  constructor(
    readonly id: string,
    readonly feedId: number,
    readonly name: string,
    readonly relay: Relay,
    readonly publisher: SfuPublisher,
    readonly subscription: Subscription,
    readonly logger: Logger,
  ) {
    this.publisherIce = new TrickleGate(publisher, logger);
  }

  get info(): ParticipantInfo {
    return { id: this.id, name: this.name, role: this.role };
  }

  /** To this participant's browser, through the connection it is on now; dropped while it is away. */
  send(message: ServerMessage): void {
    this.relay.send(message);
  }

  /** True while its socket is lost and its resume window open. */
  get isAway(): boolean {
    return this.away !== undefined;
  }

  /**
   * The socket was lost: messages are dropped, a subscriber offer out waits without a deadline, and `onExpired`
   * runs after `windowMs` unless `comeBack` is called first. The SFU handles stay as they are.
   */
  goAway(windowMs: number, onExpired: (awayMs: number) => void): void {
    if (this.away) return;
    this.relay.detach();
    this.subscription.hold();
    const sinceMs = Date.now();
    const expiry = setTimeout(() => {
      this.away = undefined;
      onExpired(Date.now() - sinceMs);
    }, windowMs);
    expiry.unref();
    this.away = { sinceMs, expiry };
  }

  /**
   * Moves the participant to `link`; returns how long it was away (0 if it never was). The caller replaces
   * the previous link first, and releases the subscription once the browser knows it is back.
   */
  comeBack(link: Link): number {
    const awayMs = this.away ? Date.now() - this.away.sinceMs : 0;
    this.cancelExpiry();
    this.relay.attach(link);
    return awayMs;
  }

  private cancelExpiry(): void {
    if (this.away) clearTimeout(this.away.expiry);
    this.away = undefined;
  }

  /** Sends the browser's publisher offer to the SFU; resolves with the answer. Its candidates flow from then. */
  async publish(offerSdp: string): Promise<string> {
    const answer = await this.publisher.publish(offerSdp);
    this.sources = publisherSources(offerSdp);
    this.lines = publisherLines(offerSdp);
    this.publisherIce.open();
    return answer;
  }

  /**
   * A publisher ICE restart is coming: the browser's candidates of the new ICE session wait until the SFU has
   * its offer. Called as the request arrives, before any candidate sent after it.
   */
  holdPublisherCandidates(): void {
    this.publisherIce.rewind();
  }

  /**
   * The browser's ICE-restart offer (or a new PeerConnection's, after the SFU hung up) on the same publisher;
   * resolves with the answer. Held candidates flow once it is in, or once it failed (the old session goes on).
   */
  async restartPublisherIce(offerSdp: string): Promise<string> {
    try {
      return await this.publisher.restartIce(offerSdp);
    } finally {
      this.releasePublisherCandidates();
    }
  }

  /** Candidates held for a restart go on (the restart was refused, or is done); only after a first publish. */
  releasePublisherCandidates(): void {
    if (this.offered) this.publisherIce.open();
  }

  /** One of the browser's ICE candidates (null: end-of-candidates) for one of its PeerConnections. */
  trickle(target: IceTarget, candidate: SfuCandidate | null): void {
    if (target === 'publisher') this.publisherIce.add(candidate);
    else this.subscription.trickle(candidate);
  }

  private closing: Promise<void> | undefined;

  /** Closes both SFU handles; idempotent, and every caller waits for the same close. */
  close(): Promise<void> {
    this.cancelExpiry();
    this.relay.detach();
    this.publisherIce.close();
    this.closing ??= Promise.allSettled([this.subscription.close(), this.publisher.close()]).then(
      () => undefined,
    );
    return this.closing;
  }
}

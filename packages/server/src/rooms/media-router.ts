import type { ClientMessage, ServerMessage } from '@backdrop/protocol';
import { ServerError } from '../errors.js';
import type { Logger } from '../logger.js';
import {
  decideMediaPath,
  directPeer,
  type MediaPath,
  pathMessage,
  SFU_PATH,
  samePathFor,
  sfuDelivery,
} from './media-path.js';

/** What the router needs of a participant (Participant has it all; tests pass plain objects). */
export interface RoutedParticipant {
  readonly id: string;
  readonly feedId: number;
  readonly publishing: boolean;
  readonly sharing?: boolean;
  readonly subscription: {
    want(feedId: number): void;
    unwant(feedId: number): void;
    pause(feedId: number, paused: boolean): void;
  };
  send(message: ServerMessage): void;
}

type PeerSignal = Extract<ClientMessage, { type: 'peerSignal' }>;

/**
 * Applies the media-path policy (media-path.ts) to one room: after every change in who is here and who
 * publishes (`sync`), tells each participant whose path changed, and sets who receives whom through the SFU
 * (subscribed and relayed, subscribed and paused, or not at all). Relays `peerSignal` only between the two
 * participants of a direct path.
 */
export class MediaRouter {
  private path: MediaPath = SFU_PATH;
  /** Participants of the direct path that said they receive their peer directly. */
  private readonly receivingDirectly = new Set<string>();
  /** Publishers told to stop sending to the SFU (nobody receives them from it: a direct pair). */
  private readonly idleUploads = new Set<string>();
  /** What each participant was last told (a joiner starts on the SFU without being told). */
  private readonly told = new Map<string, MediaPath>();

  constructor(
    /** P2P on for this room now (a function: a room cascaded over several nodes always goes through the SFU). */
    private readonly p2pOn: boolean | (() => boolean),
    /** The room's participants, in join order. */
    private readonly participants: () => Iterable<RoutedParticipant>,
    private readonly logger: Logger,
    /** A publisher was told to stop (`idle`) or start again sending to the SFU. */
    private readonly onUploadIdle: (participantId: string, idle: boolean) => void = () => undefined,
  ) {}

  /** True while the participant was told to send nothing to the SFU (a direct pair): the SFU hears nothing of it. */
  isUploadIdle(participantId: string): boolean {
    return this.idleUploads.has(participantId);
  }

  private get p2p(): boolean {
    return typeof this.p2pOn === 'function' ? this.p2pOn() : this.p2pOn;
  }

  get current(): MediaPath {
    return this.path;
  }

  /** Call after a participant is added or removed, or starts or stops publishing. */
  sync(): void {
    const members = [...this.participants()];
    const next = decideMediaPath(this.p2p, members);
    const previous = this.path;
    this.path = next;
    if (!sameDirectPair(previous, next)) this.receivingDirectly.clear();
    for (const member of members) {
      if (!samePathFor(this.toldPath(member.id), next, member.id)) {
        member.send(pathMessage(next, member.id));
        this.told.set(member.id, next);
      }
    }
    if (previous.kind !== next.kind)
      this.logger.info({ path: next.kind, size: members.length }, 'media path');
    this.applySubscriptions(members);
  }

  private toldPath(id: string): MediaPath {
    return this.told.get(id) ?? SFU_PATH;
  }

  private applySubscriptions(members: RoutedParticipant[]): void {
    const relayed = new Set<string>();
    for (const subscriber of members) {
      const direct = this.receivingDirectly.has(subscriber.id);
      for (const publisher of members) {
        if (publisher === subscriber) continue;
        const delivery = sfuDelivery(this.path, subscriber.id, publisher, direct);
        if (delivery === 'none') {
          subscriber.subscription.unwant(publisher.feedId);
          subscriber.subscription.pause(publisher.feedId, false);
        } else {
          subscriber.subscription.want(publisher.feedId);
          subscriber.subscription.pause(publisher.feedId, delivery === 'paused');
        }
        if (delivery === 'relayed') relayed.add(publisher.id);
      }
    }
    for (const member of members) {
      // Idle only in a direct pair whose peer receives it directly: a participant alone keeps sending.
      const idle =
        this.path.kind === 'direct' && member.publishing && !relayed.has(member.id) && members.length > 1;
      if (idle === this.idleUploads.has(member.id)) continue;
      if (idle) this.idleUploads.add(member.id);
      else this.idleUploads.delete(member.id);
      member.send({ type: 'sfuUpload', active: !idle });
      this.onUploadIdle(member.id, idle);
    }
  }

  /** A participant left: forget what it was told. Call `sync` after. */
  forget(id: string): void {
    this.told.delete(id);
    this.idleUploads.delete(id);
    this.receivingDirectly.delete(id);
  }

  /**
   * `from` shows `peerId`'s media from the direct PeerConnection (`receiving`), so the SFU pauses that peer's
   * streams to it, or lost it, so the SFU relays them again.
   */
  directMedia(from: RoutedParticipant, peerId: string, receiving: boolean): void {
    this.requirePeer(from.id, peerId, 'directMedia');
    if (receiving === this.receivingDirectly.has(from.id)) return;
    if (receiving) this.receivingDirectly.add(from.id);
    else this.receivingDirectly.delete(from.id);
    this.applySubscriptions([...this.participants()]);
  }

  /** A participant resumed on a new socket: what it was told while away may be lost, so tell it again. */
  retell(participant: RoutedParticipant): void {
    if (!this.p2p) return; // always the SFU, as a joiner assumes
    participant.send(pathMessage(this.path, participant.id));
    this.told.set(participant.id, this.path);
    if (this.idleUploads.has(participant.id)) participant.send({ type: 'sfuUpload', active: false });
  }

  /** Relays one `peerSignal` to the sender's direct peer, stamped with the sender. */
  relay(from: RoutedParticipant, message: PeerSignal): void {
    this.requirePeer(from.id, message.to, 'peerSignal');
    const peer = [...this.participants()].find((p) => p.id === message.to);
    if (!peer) throw notDirect('peerSignal');
    peer.send({
      type: 'peerSignal',
      from: from.id,
      ...(message.description === undefined ? {} : { description: message.description }),
      ...(message.candidate === undefined ? {} : { candidate: message.candidate }),
    });
  }

  private requirePeer(from: string, to: string, what: string): void {
    if (directPeer(this.path, from) !== to) throw notDirect(what);
  }
}

function notDirect(what: string): ServerError {
  return new ServerError('not_direct', `${what} goes only to your peer in a direct two-person room`);
}

function sameDirectPair(a: MediaPath, b: MediaPath): boolean {
  return a.kind === 'direct' && b.kind === 'direct' && a.first === b.first && a.second === b.second;
}

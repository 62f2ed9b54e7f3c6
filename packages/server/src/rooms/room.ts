import { EventEmitter } from 'node:events';
import type { ServerMessage, SubscribedStream } from '@backdrop/protocol';
import { ServerError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Sfu, SfuStream } from '../sfu/sfu.js';
import { type MessageSink, newIdentity, Participant } from './participant.js';
import { Subscription } from './subscription.js';

/** How long a leaving publisher stays in the SFU so the others' unsubscribes land before it vanishes. */
const LEAVE_GRACE_MS = 3_000;

/** One meeting: its participants and its room in the SFU. Creation and removal are the registry's job. */
export class Room extends EventEmitter<{ participantClosed: [Participant] }> {
  readonly participants = new Map<string, Participant>();

  constructor(
    readonly name: string,
    readonly sfuRoomId: number,
    private readonly sfu: Sfu,
    private readonly maxParticipants: number,
    private readonly logger: Logger,
  ) {
    super();
  }

  get size(): number {
    return this.participants.size;
  }

  private broadcast(message: ServerMessage, except?: Participant): void {
    for (const p of this.participants.values()) if (p !== except) p.send(message);
  }

  /** Which participant each stream belongs to; streams of feeds no longer here are left out. */
  private describeStreams(streams: SfuStream[]): SubscribedStream[] {
    const byFeed = new Map([...this.participants.values()].map((p) => [p.feedId, p.id]));
    return streams.flatMap((s) => {
      const participantId = byFeed.get(s.feedId);
      return participantId ? [{ mid: s.mid, participantId, kind: s.kind }] : [];
    });
  }

  async addParticipant(name: string, send: MessageSink): Promise<Participant> {
    if (this.participants.size >= this.maxParticipants) {
      throw ServerError.invalidState(`room ${this.name} is full (${this.maxParticipants} participants)`);
    }
    const { id, feedId } = newIdentity();
    const logger = this.logger.child({ participant: id });
    const publisher = await this.sfu.createPublisher(this.sfuRoomId, feedId, name);
    let subscription: Subscription;
    try {
      const subscriber = await this.sfu.createSubscriber(this.sfuRoomId);
      subscription = new Subscription(
        subscriber,
        (offer) =>
          send({ type: 'subscriberOffer', sdp: offer.sdp, streams: this.describeStreams(offer.streams) }),
        logger,
      );
    } catch (error) {
      await publisher.close();
      throw error;
    }
    const participant = new Participant(id, feedId, name, send, publisher, subscription, logger);
    publisher.on('connected', () => {
      if (!this.participants.has(id)) return;
      logger.info('publisher connected');
      participant.publishing = true;
      for (const other of this.participants.values())
        if (other !== participant) other.subscription.want(feedId);
    });
    publisher.on('hangup', (reason) => {
      logger.info({ reason }, 'publisher hung up');
      participant.publishing = false;
      for (const other of this.participants.values())
        if (other !== participant) other.subscription.unwant(feedId);
    });
    for (const other of this.participants.values()) if (other.publishing) subscription.want(other.feedId);
    this.broadcast({ type: 'participantJoined', participant: participant.info });
    this.participants.set(id, participant);
    logger.info({ name, size: this.participants.size }, 'participant joined');
    return participant;
  }

  /**
   * Removes a participant at once (the others are told and unsubscribe), then closes its SFU handles in the
   * background after the others' unsubscribes settle, so the SFU never has to renegotiate for us.
   */
  removeParticipant(participant: Participant): void {
    if (!this.participants.delete(participant.id)) return;
    participant.logger.info({ size: this.participants.size }, 'participant left');
    this.broadcast({ type: 'participantLeft', participantId: participant.id });
    const others = [...this.participants.values()];
    for (const other of others) other.subscription.unwant(participant.feedId);
    const settled = Promise.all(others.map((o) => o.subscription.settled()));
    const grace = new Promise((resolve) => setTimeout(resolve, LEAVE_GRACE_MS).unref());
    void Promise.race([settled, grace])
      .then(() => participant.close())
      .finally(() => this.emit('participantClosed', participant));
  }
}

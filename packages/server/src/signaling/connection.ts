import type { ClientMessage, ServerMessage } from '@backdrop/protocol';
import type WebSocket from 'ws';
import { ServerError, toServerError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Participant } from '../rooms/participant.js';
import type { RoomRegistry } from '../rooms/registry.js';
import type { Room } from '../rooms/room.js';
import { parseClientMessage } from './parse.js';
import { checkPublisherOffer } from './publisher-offer.js';

/** Valid messages waiting to be handled, at most; a client that floods past this gets errors. */
const MAX_QUEUED = 16;

type State = 'open' | 'joining' | 'joined' | 'closed';

/**
 * One browser's signalling WebSocket. Frames are parsed at once (bad ones answered with an error, the socket stays
 * usable); valid messages are handled one at a time, in order, by one handler per type.
 */
export class SignalingConnection {
  private state: State = 'open';
  private membership: { room: Room; participant: Participant } | undefined;
  private queue: Promise<void> = Promise.resolve();
  private queued = 0;
  private logger: Logger;

  constructor(
    private readonly socket: WebSocket,
    private readonly registry: RoomRegistry,
    logger: Logger,
    /** Who this is, for per-address limits: the peer address, or X-Forwarded-For from a trusted proxy. */
    readonly clientAddress: string,
    /** True once the server is draining for shutdown: joins are refused. */
    private readonly draining: () => boolean = () => false,
  ) {
    this.logger = logger;
    socket.on('message', (data, isBinary) => this.onFrame(data as Buffer, isBinary));
    socket.on('close', () => void this.close());
    this.send({ type: 'welcome', protocol: 1 });
  }

  send(message: ServerMessage): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(JSON.stringify(message));
  }

  private sendError(error: ServerError, replyTo?: string | number): void {
    this.send({
      type: 'error',
      code: error.code,
      message: error.message,
      ...(replyTo === undefined ? {} : { replyTo }),
    });
  }

  private onFrame(data: Buffer, isBinary: boolean): void {
    if (this.state === 'closed') return;
    if (isBinary) {
      this.sendError(new ServerError('bad_message', 'binary frames are not accepted'));
      return;
    }
    const parsed = parseClientMessage(data);
    if (!parsed.ok) {
      this.sendError(parsed.error, parsed.replyTo);
      return;
    }
    if (this.queued >= MAX_QUEUED) {
      this.sendError(new ServerError('invalid_state', 'too many requests in flight'), parsed.message.id);
      return;
    }
    this.queued++;
    this.queue = this.queue.then(async () => {
      try {
        await this.handle(parsed.message);
      } catch (error) {
        const serverError = toServerError(error);
        if (serverError.code === 'internal' || serverError.code === 'sfu_error') {
          this.logger.error({ err: error, type: parsed.message.type }, 'request failed');
        }
        this.sendError(serverError, parsed.message.id);
      } finally {
        this.queued--;
      }
    });
  }

  private handle(message: ClientMessage): Promise<void> {
    switch (message.type) {
      case 'join':
        return this.onJoin(message);
      case 'publish':
        return this.onPublish(message);
      case 'subscriberAnswer':
        return this.onSubscriberAnswer(message);
      case 'leave':
        return this.onLeave(message);
    }
  }

  private joined(): { room: Room; participant: Participant } {
    if (this.state !== 'joined' || !this.membership) throw ServerError.invalidState('join a room first');
    return this.membership;
  }

  private async onJoin(message: Extract<ClientMessage, { type: 'join' }>): Promise<void> {
    if (this.state !== 'open') throw ServerError.invalidState(`cannot join while ${this.state}`);
    if (this.draining())
      throw new ServerError('shutting_down', 'the server is shutting down; join again in a moment');
    this.state = 'joining';
    try {
      const membership = await this.registry.join({
        room: message.room,
        name: message.name,
        clientAddress: this.clientAddress,
        send: (m) => this.send(m),
      });
      // The socket may have closed while the SFU was busy: undo the join.
      if ((this.state as State) === 'closed') {
        await this.registry.leave(membership.room, membership.participant);
        return;
      }
      this.membership = membership;
      this.state = 'joined';
      this.logger = this.logger.child({ room: message.room, participant: membership.participant.id });
      this.send({
        type: 'joined',
        ...(message.id === undefined ? {} : { replyTo: message.id }),
        room: message.room,
        participantId: membership.participant.id,
        participants: [...membership.room.participants.values()]
          .filter((p) => p !== membership.participant)
          .map((p) => p.info),
      });
    } catch (error) {
      if (this.state === 'joining') this.state = 'open';
      throw error instanceof ServerError ? error : ServerError.sfu('could not join the room', error);
    }
  }

  private async onPublish(message: Extract<ClientMessage, { type: 'publish' }>): Promise<void> {
    const { participant } = this.joined();
    const offer = checkPublisherOffer(message.sdp);
    if (!offer.ok) throw new ServerError('bad_sdp', `publish offer refused: ${offer.reason}`);
    let sdp: string;
    try {
      sdp = await participant.publisher.publish(message.sdp);
    } catch (error) {
      if (error instanceof ServerError) throw error;
      throw ServerError.sfu(`publish failed: ${(error as Error).message}`, error);
    }
    this.send({ type: 'publishAnswer', ...(message.id === undefined ? {} : { replyTo: message.id }), sdp });
  }

  private async onSubscriberAnswer(
    message: Extract<ClientMessage, { type: 'subscriberAnswer' }>,
  ): Promise<void> {
    this.joined().participant.subscription.answer(message.sdp);
  }

  private async onLeave(message: Extract<ClientMessage, { type: 'leave' }>): Promise<void> {
    const { room, participant } = this.joined();
    this.membership = undefined;
    this.state = 'open';
    await this.registry.leave(room, participant);
    this.send({ type: 'left', ...(message.id === undefined ? {} : { replyTo: message.id }) });
  }

  /** Idempotent: the socket closed, was found dead, or the server is shutting down. */
  async close(code?: number, reason?: string): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    const membership = this.membership;
    this.membership = undefined;
    if (code !== undefined) this.socket.close(code, reason);
    if (membership) await this.registry.leave(membership.room, membership.participant).catch(() => undefined);
  }
}

import { CLOSE_CODES, type ClientMessage, type ServerMessage } from '@backdrop/protocol';
import type WebSocket from 'ws';
import type { Route } from '../cluster/placement.js';
import { ServerError, toServerError } from '../errors.js';
import type { Logger } from '../logger.js';
import { handleMeetingMessage, isMeetingMessage } from '../meeting/handlers.js';
import type { Participant } from '../rooms/participant.js';
import type { RoomRegistry } from '../rooms/registry.js';
import type { Room } from '../rooms/room.js';
import { hostAction } from './host-actions.js';
import { parseClientMessage } from './parse.js';
import { checkPublisherOffer } from './publisher-offer.js';
import { type SocketLimitOptions, SocketLimits } from './socket-limits.js';

/** Valid messages waiting to be handled, at most; a client that floods past this gets errors. */
const MAX_QUEUED = 16;
/** WebSocket's normal closure: a redirected socket has done its job. */
const NORMAL_CLOSURE = 1000;
/** After we send a close frame, how long the client has to answer it before the socket is destroyed. */
const CLOSE_GRACE_MS = 2000;
/** How long a socket we terminate keeps its close frame on the way out. */
const TERMINATE_FLUSH_MS = 50;

type State = 'open' | 'joining' | 'joined' | 'closed';

export interface ConnectionLimits extends SocketLimitOptions {
  /** A socket whose unsent data passes this many bytes has stopped reading: it is terminated. */
  sendBufferLimitBytes: number;
}

/**
 * One browser's signalling WebSocket. Frames are rate-limited, then parsed at once (bad ones answered with an
 * error, the socket stays usable until it sends too many); valid messages are handled one at a time, in
 * order, by one handler per type.
 */
export class SignalingConnection {
  private state: State = 'open';
  private membership: { room: Room; participant: Participant } | undefined;
  private queue: Promise<void> = Promise.resolve();
  private queued = 0;
  private logger: Logger;
  private readonly rates: SocketLimits;
  private rateLimitLogged = false;
  /** Aborted when the socket closes: a join waiting in a locked room's waiting room gives up. */
  private readonly joinAbort = new AbortController();

  constructor(
    private readonly socket: WebSocket,
    private readonly registry: RoomRegistry,
    logger: Logger,
    /** Who this is, for per-address limits: the peer address, or X-Forwarded-For from a trusted proxy. */
    readonly clientAddress: string,
    private readonly limits: ConnectionLimits,
    /** True once the server is draining for shutdown: joins are refused. */
    private readonly draining: () => boolean = () => false,
    /** Cluster mode: where a join for this room goes (here, or `redirect` to the room's node). */
    private readonly route?: (room: string) => Promise<Route>,
  ) {
    this.logger = logger;
    this.rates = new SocketLimits(limits, Date.now());
    socket.on('message', (data, isBinary) => {
      // A throw here would escape into ws and could end the process: contain it, answer, carry on.
      try {
        this.onFrame(data as Buffer, isBinary);
      } catch (error) {
        this.logger.error({ err: error }, 'signalling frame handler failed');
        this.sendError(toServerError(error));
      }
    });
    socket.on('close', () => void this.close());
    this.send({ type: 'welcome', protocol: 1 });
  }

  /** Sends if open; a socket that has stopped reading (unsent data past the limit) is terminated instead. */
  send(message: ServerMessage): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    this.socket.send(JSON.stringify(message));
    const buffered = this.socket.bufferedAmount;
    if (buffered > this.limits.sendBufferLimitBytes && this.state !== 'closed') {
      this.logger.warn(
        { bufferedBytes: buffered, limitBytes: this.limits.sendBufferLimitBytes },
        'terminating a signalling socket that stopped reading (slow consumer)',
      );
      // Its buffer is full, so a close frame would never arrive: destroy the socket.
      void this.close(CLOSE_CODES.slowConsumer, 'slow consumer', { terminate: true });
    }
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
    const verdict = this.rates.message(Date.now());
    if (verdict !== 'accept') {
      this.onRateLimited(verdict);
      return;
    }
    if (isBinary) {
      this.refuseBadMessage(new ServerError('bad_message', 'binary frames are not accepted'));
      return;
    }
    const parsed = parseClientMessage(data);
    if (!parsed.ok) {
      this.refuseBadMessage(parsed.error, parsed.replyTo);
      return;
    }
    if (parsed.message.type === 'ping') {
      // Answered at once, never queued behind a request waiting on the SFU: the client's heartbeat times it.
      this.send({ type: 'pong', ...(parsed.message.id === undefined ? {} : { replyTo: parsed.message.id }) });
      return;
    }
    if (parsed.message.type === 'restartPublisherIce') {
      // Before anything queued runs: the candidates the browser sends right after this offer belong to the new
      // ICE session and must wait for it (see Participant.holdPublisherCandidates).
      this.membership?.participant.holdPublisherCandidates();
    }
    if (parsed.message.type === 'peerSignal') {
      // Relayed at once, like trickle: perfect negotiation needs its descriptions and candidates in order, and
      // nothing here waits on the SFU.
      try {
        this.onPeerSignal(parsed.message);
      } catch (error) {
        this.sendError(toServerError(error), parsed.message.id);
      }
      return;
    }
    if (isMeetingMessage(parsed.message)) {
      // Chat, mic/camera state, hands and reactions never wait on the SFU: a mute shows on the others' tiles at
      // once even while a publish is in flight.
      try {
        const { room, participant } = this.joined();
        handleMeetingMessage(room.meeting, participant, parsed.message);
      } catch (error) {
        this.sendError(toServerError(error), parsed.message.id);
      }
      return;
    }
    if (parsed.message.type === 'trickle') {
      // Not queued behind a `publish` or `join` waiting on the SFU: a browser sends a burst of candidates right
      // after its offer, and the gates in rooms/ already hold them until their SDP exchange is done.
      try {
        this.onTrickle(parsed.message);
      } catch (error) {
        this.sendError(toServerError(error), parsed.message.id);
      }
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

  private onRateLimited(verdict: 'refuse' | 'drop' | 'close'): void {
    if (verdict === 'close') {
      this.logger.warn(
        { messagesPerSecond: this.limits.messagesPerSecond },
        'closing a signalling socket that kept sending over its message rate',
      );
      void this.close(CLOSE_CODES.rateLimited, 'too many messages');
      return;
    }
    if (!this.rateLimitLogged) {
      this.rateLimitLogged = true;
      this.logger.info(
        { messagesPerSecond: this.limits.messagesPerSecond },
        'signalling socket rate-limited',
      );
    }
    if (verdict === 'refuse') {
      this.sendError(
        new ServerError(
          'rate_limited',
          `more than ${this.limits.messagesPerSecond} messages per second: messages are dropped, and the connection is closed if this goes on`,
        ),
      );
    }
  }

  /** Answers a bad message; one too many in a minute closes the socket. */
  private refuseBadMessage(error: ServerError, replyTo?: string | number): void {
    this.sendError(error, replyTo);
    if (this.rates.badMessage(Date.now()) || this.state === 'closed') return;
    this.logger.warn(
      { badMessagesPerMinute: this.limits.badMessagesPerMinute, lastError: error.code },
      'closing a signalling socket that sent too many invalid messages',
    );
    void this.close(CLOSE_CODES.tooManyBadMessages, 'too many invalid messages');
  }

  private handle(message: ClientMessage): Promise<void> {
    switch (message.type) {
      case 'join':
        return this.onJoin(message);
      case 'publish':
        return this.onPublish(message);
      case 'subscriberAnswer':
        return this.onSubscriberAnswer(message);
      case 'trickle':
        this.onTrickle(message);
        return Promise.resolve();
      case 'leave':
        return this.onLeave(message);
      case 'ping':
        return Promise.resolve(); // answered in onFrame
      case 'resume':
        return this.onResume(message);
      case 'restartPublisherIce':
        return this.onRestartPublisherIce(message);
      case 'restartSubscriberIce':
        this.onRestartSubscriberIce(message);
        return Promise.resolve();
      case 'peerSignal':
        this.onPeerSignal(message);
        return Promise.resolve();
      case 'chat':
      case 'mediaState':
      case 'hand':
      case 'reaction': {
        const { room, participant } = this.joined();
        handleMeetingMessage(room.meeting, participant, message);
        return Promise.resolve();
      }
      case 'directMedia': {
        const { room, participant } = this.joined();
        room.media.directMedia(participant, message.peerId, message.receiving);
        return Promise.resolve();
      }
      case 'setRoomLock':
      case 'answerKnock':
      case 'removeParticipant':
      case 'muteAll':
      case 'setRoomPassword': {
        const { room, participant } = this.joined();
        hostAction(room, participant, message, (m) => this.send(m));
        return Promise.resolve();
      }
      case 'screenShare': {
        const { room, participant } = this.joined();
        if (message.active && !participant.offered)
          throw ServerError.invalidState('publish before sharing a screen');
        room.setScreenShare(participant, message.active);
        return Promise.resolve();
      }
      case 'videoLayers': {
        const { room, participant } = this.joined();
        room.setVideoLayers(participant, message.streams);
        return Promise.resolve();
      }
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
      if (this.route) {
        const route = await this.route(message.room);
        if (route.kind === 'redirect') {
          this.send({
            type: 'redirect',
            node: route.node,
            ...(message.id === undefined ? {} : { replyTo: message.id }),
          });
          this.logger.info({ room: message.room, node: route.node }, 'join redirected to the room’s node');
          void this.close(NORMAL_CLOSURE, 'redirected');
          return;
        }
      }
      const membership = await this.registry.join({
        room: message.room,
        name: message.name,
        clientAddress: this.clientAddress,
        send: (m) => this.send(m),
        replaced: () => this.onReplaced(),
        removed: () => this.onRemoved(),
        password: message.password,
        hostKey: message.hostKey,
        signal: this.joinAbort.signal,
        ...(message.id === undefined ? {} : { replyTo: message.id }),
      });
      // The socket may have closed while the SFU was busy: undo the join.
      if ((this.state as State) === 'closed') {
        await this.registry.leave(membership.room, membership.participant);
        return;
      }
      this.membership = membership;
      this.state = 'joined';
      // The room sent `joined` itself, at the moment it admitted us (see Room.addParticipant).
      this.logger = this.logger.child({ room: message.room, participant: membership.participant.id });
    } catch (error) {
      if (this.state === 'joining') this.state = 'open';
      throw error instanceof ServerError ? error : ServerError.sfu('could not join the room', error);
    }
  }

  /** Takes back a participant whose socket was lost (see RoomRegistry.resume); answered with `joined`. */
  private async onResume(message: Extract<ClientMessage, { type: 'resume' }>): Promise<void> {
    if (this.state !== 'open') throw ServerError.invalidState(`cannot resume while ${this.state}`);
    const membership = this.registry.resume({
      token: message.token,
      clientAddress: this.clientAddress,
      link: { send: (m) => this.send(m), replaced: () => this.onReplaced(), removed: () => this.onRemoved() },
      ...(message.id === undefined ? {} : { replyTo: message.id }),
    });
    this.membership = membership;
    this.state = 'joined';
    // The room sent `joined` (resumed) itself.
    this.logger = this.logger.child({ room: membership.room.name, participant: membership.participant.id });
  }

  /** A host removed our participant (the room already let it go): the socket closes, for good. */
  private onRemoved(): void {
    void this.close(CLOSE_CODES.removed, 'removed by a host');
  }

  /** Our participant was resumed on another socket: this one closes and leaves the participant alone. */
  private onReplaced(): void {
    this.membership = undefined;
    void this.close(CLOSE_CODES.resumedElsewhere, 'resumed on another connection');
  }

  private async onPublish(message: Extract<ClientMessage, { type: 'publish' }>): Promise<void> {
    const { participant } = this.joined();
    if (participant.offered) throw ServerError.invalidState('already published in this room');
    const offer = checkPublisherOffer(message.sdp);
    if (!offer.ok) throw new ServerError('bad_sdp', `publish offer refused: ${offer.reason}`);
    participant.offered = true;
    let sdp: string;
    try {
      sdp = await participant.publish(message.sdp);
    } catch (error) {
      participant.offered = false;
      if (error instanceof ServerError) throw error;
      throw ServerError.sfu(`publish failed: ${(error as Error).message}`, error);
    }
    this.send({ type: 'publishAnswer', ...(message.id === undefined ? {} : { replyTo: message.id }), sdp });
  }

  private async onRestartPublisherIce(
    message: Extract<ClientMessage, { type: 'restartPublisherIce' }>,
  ): Promise<void> {
    const { participant } = this.joined();
    if (!participant.offered) throw ServerError.invalidState('publish before restarting ICE');
    const offer = checkPublisherOffer(message.sdp);
    if (!offer.ok) {
      participant.releasePublisherCandidates();
      throw new ServerError('bad_sdp', `ICE restart offer refused: ${offer.reason}`);
    }
    let sdp: string;
    try {
      sdp = await participant.restartPublisherIce(message.sdp);
    } catch (error) {
      if (error instanceof ServerError) throw error;
      throw ServerError.sfu(`publisher ICE restart failed: ${(error as Error).message}`, error);
    }
    this.send({ type: 'publishAnswer', ...(message.id === undefined ? {} : { replyTo: message.id }), sdp });
  }

  /** Queued behind the subscription's own negotiations; its offer comes as a `subscriberOffer`. */
  private onRestartSubscriberIce(message: Extract<ClientMessage, { type: 'restartSubscriberIce' }>): void {
    const { participant } = this.joined();
    // Not awaited: the browser's answer to an offer queued before it comes through this same queue.
    participant.subscription.restartIce().catch((error: unknown) => {
      this.logger.warn({ err: error }, 'subscriber ICE restart failed');
      this.sendError(
        error instanceof ServerError ? error : ServerError.sfu('subscriber ICE restart failed', error),
        message.id,
      );
    });
  }

  private async onSubscriberAnswer(
    message: Extract<ClientMessage, { type: 'subscriberAnswer' }>,
  ): Promise<void> {
    this.joined().participant.subscription.answer(message.sdp);
  }

  private onPeerSignal(message: Extract<ClientMessage, { type: 'peerSignal' }>): void {
    const { room, participant } = this.joined();
    room.media.relay(participant, message);
  }

  private onTrickle(message: Extract<ClientMessage, { type: 'trickle' }>): void {
    this.joined().participant.trickle(message.target, message.candidate);
  }

  private async onLeave(message: Extract<ClientMessage, { type: 'leave' }>): Promise<void> {
    const { room, participant } = this.joined();
    this.membership = undefined;
    this.state = 'open';
    await this.registry.leave(room, participant);
    this.send({ type: 'left', ...(message.id === undefined ? {} : { replyTo: message.id }) });
  }

  /**
   * Idempotent: the socket closed, was found dead, broke a limit, or the server is shutting down. With a code,
   * a close frame is sent and the socket destroyed if the client has not finished closing within
   * CLOSE_GRACE_MS; with `terminate`, it is destroyed TERMINATE_FLUSH_MS later (time for the close frame to
   * leave, for a client that reads).
   */
  async close(code?: number, reason?: string, options: { terminate?: boolean } = {}): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.joinAbort.abort();
    const membership = this.membership;
    this.membership = undefined;
    if (code !== undefined && this.socket.readyState === this.socket.OPEN) this.socket.close(code, reason);
    // A peer we give up on (dead, or not reading) gets no close handshake, but its close frame is left a moment to
    // leave: terminating in the same tick dropped it now and then (the client saw 1006, not the code).
    if (options.terminate) setTimeout(() => this.socket.terminate(), TERMINATE_FLUSH_MS).unref();
    else if (code !== undefined) setTimeout(() => this.socket.terminate(), CLOSE_GRACE_MS).unref();
    if (!membership) return;
    // Lost in a way the client can come back from: kept for a resume. A limit broken (4001-4003), shutdown
    // (1001) or the SFU lost (1012) removes it at once.
    const mayResume = code === undefined || code === CLOSE_CODES.heartbeatTimeout;
    const { room, participant } = membership;
    await (mayResume
      ? this.registry.detach(room, participant)
      : this.registry.leave(room, participant)
    ).catch((error: unknown) =>
      this.logger.warn({ err: error }, 'leaving the room after the socket closed failed'),
    );
  }
}

import type { JoinedAccess, Role, ServerMessage, WaitingInfo } from '@backdrop/protocol';
import { ServerError } from '../errors.js';
import type { Logger } from '../logger.js';
import { RoomAccess } from './access.js';
import { Lobby } from './lobby.js';
import { roleOnEntry, successor } from './roles.js';

/** What host rules need of a participant (Participant has it all; tests pass plain objects). */
export interface HostedParticipant {
  readonly id: string;
  readonly name: string;
  role: Role;
  readonly isAway: boolean;
  send(message: ServerMessage): void;
}

export interface WaitingRoomLimits {
  /** Newcomers waiting at once in one locked room. */
  maxWaitingPerRoom: number;
  /** How long a newcomer waits to be let in before it is turned away. */
  waitingTimeoutMs: number;
}

export interface RoomHostsOptions {
  /** The room's participants, oldest first. */
  participants: () => Iterable<HostedParticipant>;
  /** The password the room's first host gave when opening it, if any. */
  password?: string | undefined;
  waiting: WaitingRoomLimits;
  logger: Logger;
}

export function forbidden(what: string): ServerError {
  return new ServerError('forbidden', `only a host can ${what}`);
}

/**
 * A room's roles and access: who is host (decided here, never by a browser), the lock, the password, the
 * waiting room, and the host actions that need no SFU (lock, password, answering a knock, asking everyone to
 * mute). Every host action checks the sender first and changes nothing when refused.
 */
export class RoomHosts {
  readonly access: RoomAccess;
  readonly lobby: Lobby;

  constructor(private readonly options: RoomHostsOptions) {
    this.access = new RoomAccess(options.password);
    this.lobby = new Lobby({
      maxWaiting: options.waiting.maxWaitingPerRoom,
      timeoutMs: options.waiting.waitingTimeoutMs,
      onChange: (waiting) => this.tellHosts({ type: 'waitingList', waiting }),
    });
  }

  private members(): HostedParticipant[] {
    return [...this.options.participants()];
  }

  private tellHosts(message: ServerMessage): void {
    for (const p of this.members()) if (p.role === 'host') p.send(message);
  }

  private broadcast(message: ServerMessage, except?: HostedParticipant): void {
    for (const p of this.members()) if (p !== except) p.send(message);
  }

  private accessMessage(replyTo?: string | number): ServerMessage {
    return {
      type: 'roomAccess',
      ...(replyTo === undefined ? {} : { replyTo }),
      locked: this.access.locked,
      passwordSet: this.access.passwordSet,
    };
  }

  /** Throws `forbidden` unless `by` is a host of this room. */
  requireHost(by: HostedParticipant, what: string): void {
    if (by.role !== 'host') throw forbidden(what);
  }

  /** The role of someone about to be added (before its `joined`, which lists roles). */
  roleOnEntry(withHostKey: boolean): Role {
    return roleOnEntry(withHostKey, this.members());
  }

  /** What `participant`'s `joined` says of access: the lock and password, and to a host its key and the list. */
  joinedAccess(participant: HostedParticipant): JoinedAccess {
    const state = { locked: this.access.locked, passwordSet: this.access.passwordSet };
    if (participant.role !== 'host') return state;
    return { ...state, hostKey: this.access.hostKey, waiting: this.lobby.list() };
  }

  private briefHost(host: HostedParticipant): void {
    host.send({ type: 'hostKey', key: this.access.hostKey });
    host.send({ type: 'waitingList', waiting: this.lobby.list() });
  }

  /** After a participant was removed from the room: if it was the last host, the successor becomes host. */
  afterLeave(left: HostedParticipant): void {
    if (left.role !== 'host') return;
    const next = successor(this.members());
    if (!next) return;
    next.role = 'host';
    this.options.logger.info(
      { participant: next.id },
      'the last host left: longest-present participant is host',
    );
    this.broadcast({ type: 'participantRole', participantId: next.id, role: 'host' });
    this.briefHost(next);
  }

  setLocked(by: HostedParticipant, locked: boolean, replyTo?: string | number): void {
    this.requireHost(by, locked ? 'lock the room' : 'unlock the room');
    if (this.access.setLocked(locked)) {
      this.options.logger.info({ by: by.id, locked }, locked ? 'room locked' : 'room unlocked');
      this.broadcast(this.accessMessage(), by);
    }
    by.send(this.accessMessage(replyTo));
  }

  setPassword(by: HostedParticipant, password: string | null, replyTo?: string | number): void {
    this.requireHost(by, 'set the room password');
    this.access.setPassword(password);
    // Never the password itself, only whether there is one.
    this.options.logger.info({ by: by.id, passwordSet: password !== null }, 'room password changed');
    this.broadcast(this.accessMessage(), by);
    by.send(this.accessMessage(replyTo));
  }

  answerKnock(by: HostedParticipant, waitingId: string, admit: boolean): void {
    this.requireHost(by, admit ? 'let people in' : 'turn people away');
    if (!this.lobby.answer(waitingId, admit))
      throw new ServerError('not_found', 'nobody is waiting under that id (answered, gone or timed out)');
    this.options.logger.info(
      { by: by.id, waitingId, admit },
      admit ? 'newcomer admitted' : 'newcomer denied',
    );
  }

  muteAll(by: HostedParticipant): void {
    this.requireHost(by, 'ask everyone to mute');
    this.options.logger.info({ by: by.id }, 'host asked everyone to mute');
    this.broadcast({ type: 'muteRequest', from: by.id, fromName: by.name }, by);
  }

  get waiting(): WaitingInfo[] {
    return this.lobby.list();
  }
}

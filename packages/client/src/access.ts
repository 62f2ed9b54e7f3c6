import type { JoinedAccess, Role, ServerMessage, WaitingInfo } from '@backdrop/protocol';

/** The room's access as this browser knows it (the server decides all of it). */
export interface AccessSnapshot {
  /** Our own role. */
  role: Role;
  locked: boolean;
  passwordSet: boolean;
  /** Only while we are host: the room's host key (the host link is `/r/<room>?host=<key>`). */
  hostKey: string | undefined;
  /** Only while we are host: who waits to be let in, in order. */
  waiting: readonly WaitingInfo[];
}

/** What AccessState tells its owner (Room re-emits each as its own event). */
export interface AccessEvents {
  /** Anything in the snapshot changed (lock, password, our role, host key, waiting list). */
  changed(access: AccessSnapshot): void;
  /** Another participant's role changed. */
  participantRole(participantId: string, role: Role): void;
  /** A host asked everyone to mute: the app mutes the microphone and says who asked. */
  muteRequested(request: { from: string; fromName: string }): void;
  /** A host removed us: the call is over (the socket closes with CLOSE_CODES.removed). */
  removed(info: { by: string }): void;
}

const INITIAL: AccessSnapshot = {
  role: 'participant',
  locked: false,
  passwordSet: false,
  hostKey: undefined,
  waiting: [],
};

/**
 * This browser's view of roles and access, fed by `joined` and the access messages. Pure: no socket, no DOM;
 * the Room feeds it and sends the host actions.
 */
export class AccessState {
  private state: AccessSnapshot = INITIAL;
  private localId: string | undefined;

  constructor(private readonly events: AccessEvents) {}

  get snapshot(): AccessSnapshot {
    return this.state;
  }

  get isHost(): boolean {
    return this.state.role === 'host';
  }

  private set(next: Partial<AccessSnapshot>): void {
    this.state = { ...this.state, ...next };
    this.events.changed(this.state);
  }

  /** A `joined` (fresh or resumed): our role is host exactly when the server gave us the host key. */
  onJoined(participantId: string, access: JoinedAccess | undefined): void {
    this.localId = participantId;
    this.set({
      role: access?.hostKey ? 'host' : 'participant',
      locked: access?.locked ?? false,
      passwordSet: access?.passwordSet ?? false,
      hostKey: access?.hostKey,
      waiting: access?.waiting ?? [],
    });
  }

  /** Handles an access message; false for any other message. */
  onMessage(message: ServerMessage): boolean {
    switch (message.type) {
      case 'roomAccess':
        this.set({ locked: message.locked, passwordSet: message.passwordSet });
        return true;
      case 'hostKey':
        this.set({ role: 'host', hostKey: message.key });
        return true;
      case 'waitingList':
        this.set({ waiting: message.waiting });
        return true;
      case 'participantRole':
        if (message.participantId === this.localId) {
          this.set({
            role: message.role,
            ...(message.role === 'host' ? {} : { hostKey: undefined, waiting: [] }),
          });
        } else this.events.participantRole(message.participantId, message.role);
        return true;
      case 'muteRequest':
        this.events.muteRequested({ from: message.from, fromName: message.fromName });
        return true;
      case 'removed':
        this.events.removed({ by: message.by });
        return true;
      default:
        return false;
    }
  }

  /** Left the room: back to nothing known. */
  reset(): void {
    this.localId = undefined;
    this.state = INITIAL;
  }
}

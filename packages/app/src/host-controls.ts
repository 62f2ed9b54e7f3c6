import type { AccessSnapshot, RemoteParticipant, Room } from '@backdrop/client';
import type { Role } from '@backdrop/protocol';
import { type ReadonlySignal, type Signal, signal } from '@preact/signals';

/** One person in the participants panel. */
export interface PersonRow {
  id: string;
  name: string;
  role: Role;
  local: boolean;
}

/** What the host controls need of a Room (Room has it; tests pass a fake). */
export type HostRoom = Pick<
  Room,
  | 'on'
  | 'off'
  | 'access'
  | 'participants'
  | 'localParticipantId'
  | 'setLocked'
  | 'answerKnock'
  | 'removeParticipant'
  | 'muteAll'
  | 'setPassword'
>;

/** The host link of a room: `/r/<room>?host=<key>` on this page's origin. */
export function hostLink(origin: string, roomName: string, hostKey: string): string {
  return `${origin}/r/${encodeURIComponent(roomName)}?host=${encodeURIComponent(hostKey)}`;
}

/** The panel's rows: ourselves first, then the others in join order. Pure. */
export function peopleRows(
  local: { id: string | undefined; name: string; role: Role },
  others: Iterable<Pick<RemoteParticipant, 'id' | 'name' | 'role'>>,
): PersonRow[] {
  return [
    { id: local.id ?? 'local', name: local.name, role: local.role, local: true },
    ...[...others].map((p) => ({ id: p.id, name: p.name, role: p.role, local: false })),
  ];
}

/**
 * The call's roles and access as signals (who is here with which role, the lock, the waiting list) and the host
 * actions. The server decides everything: a refused action (`forbidden`, `not_found`) is reported through
 * `onProblem`, nothing is changed locally. `close()` removes every listener; idempotent.
 */
export class HostControls {
  private readonly accessSignal: Signal<AccessSnapshot>;
  private readonly peopleSignal = signal<readonly PersonRow[]>([]);
  private readonly stops: (() => void)[] = [];

  constructor(
    private readonly room: HostRoom,
    private readonly localName: string,
    private readonly onProblem: (text: string) => void,
  ) {
    this.accessSignal = signal<AccessSnapshot>(room.access);
    const refresh = () => this.refresh();
    const listen = <E extends Parameters<HostRoom['on']>[0]>(
      event: E,
      listener: Parameters<HostRoom['on']>[1],
    ) => {
      room.on(event, listener as never);
      this.stops.push(() => room.off(event, listener as never));
    };
    listen('accessChanged', refresh);
    listen('participantJoined', refresh);
    listen('participantLeft', refresh);
    listen('participantRole', refresh);
    listen('connectionStateChanged', refresh);
    this.refresh();
  }

  get access(): ReadonlySignal<AccessSnapshot> {
    return this.accessSignal;
  }

  get people(): ReadonlySignal<readonly PersonRow[]> {
    return this.peopleSignal;
  }

  private refresh(): void {
    this.accessSignal.value = this.room.access;
    this.peopleSignal.value = peopleRows(
      { id: this.room.localParticipantId, name: this.localName, role: this.room.access.role },
      this.room.participants.values(),
    );
  }

  private act(what: string, action: () => Promise<void>): Promise<void> {
    return action().catch((error: unknown) =>
      this.onProblem(`Could not ${what}: ${(error as Error).message}`),
    );
  }

  setLocked(locked: boolean): Promise<void> {
    return this.act(locked ? 'lock the meeting' : 'unlock the meeting', () => this.room.setLocked(locked));
  }

  admit(waitingId: string): Promise<void> {
    return this.act('let them in', () => this.room.answerKnock(waitingId, true));
  }

  deny(waitingId: string): Promise<void> {
    return this.act('turn them away', () => this.room.answerKnock(waitingId, false));
  }

  remove(participantId: string): Promise<void> {
    return this.act('remove them', () => this.room.removeParticipant(participantId));
  }

  muteAll(): Promise<void> {
    return this.act('ask everyone to mute', () => this.room.muteAll());
  }

  /** Sets (a string) or clears (null) the room's password for later joins. */
  setPassword(password: string | null): Promise<void> {
    return this.act(password === null ? 'clear the password' : 'set the password', () =>
      this.room.setPassword(password),
    );
  }

  close(): void {
    for (const stop of this.stops.splice(0)) stop();
  }
}

import type { Role } from '@backdrop/protocol';

/** `reconnecting`: the participant's signalling socket was lost and the server keeps them for their resume window. */
export type ParticipantConnection = 'connected' | 'reconnecting';

/** Someone else in the room, as this browser sees them. */
export class RemoteParticipant {
  /** Every track currently subscribed from this participant. */
  readonly stream = new MediaStream();
  private _connection: ParticipantConnection = 'connected';

  private _role: Role;

  constructor(
    readonly id: string,
    readonly name: string,
    role: Role = 'participant',
  ) {
    this._role = role;
  }

  /** As the server says: `host` or `participant`. Room's `participantRole` event tells changes. */
  get role(): Role {
    return this._role;
  }

  /** Room's; returns whether it changed. */
  setRole(role: Role): boolean {
    if (this._role === role) return false;
    this._role = role;
    return true;
  }

  /** As the server last said (`participantConnection`); Room's `participantConnection` event tells changes. */
  get connection(): ParticipantConnection {
    return this._connection;
  }

  /** Room's; returns whether it changed. */
  setConnection(state: ParticipantConnection): boolean {
    if (this._connection === state) return false;
    this._connection = state;
    return true;
  }

  get videoTrack(): MediaStreamTrack | undefined {
    return this.stream.getVideoTracks()[0];
  }

  get audioTrack(): MediaStreamTrack | undefined {
    return this.stream.getAudioTracks()[0];
  }
}

import type { Role } from '@backdrop/protocol';

/** `reconnecting`: the participant's signalling socket was lost and the server keeps them for their resume window. */
export type ParticipantConnection = 'connected' | 'reconnecting';

/** Someone else in the room, as this browser sees them. */
export class RemoteParticipant {
  /** Every track currently subscribed from this participant. */
  readonly stream = new MediaStream();
  /**
   * Its screen share's tracks (video, and tab/system audio if shared), received on m-lines of their own. The
   * m-lines exist from its first publish; `sharing` says whether a share is on.
   */
  readonly screenStream = new MediaStream();
  private _sharing = false;
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

  /** Sharing its screen now, as the server last said (Room's `screenShareChanged` tells changes). */
  get sharing(): boolean {
    return this._sharing;
  }

  /** Room's; returns whether it changed. */
  setSharing(sharing: boolean): boolean {
    if (this._sharing === sharing) return false;
    this._sharing = sharing;
    return true;
  }

  get screenTrack(): MediaStreamTrack | undefined {
    return this.screenStream.getVideoTracks()[0];
  }

  get videoTrack(): MediaStreamTrack | undefined {
    return this.stream.getVideoTracks()[0];
  }

  get audioTrack(): MediaStreamTrack | undefined {
    return this.stream.getAudioTracks()[0];
  }
}

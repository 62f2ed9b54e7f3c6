/** `reconnecting`: the participant's signalling socket was lost and the server keeps them for their resume window. */
export type ParticipantConnection = 'connected' | 'reconnecting';

/** Someone else in the room, as this browser sees them. */
export class RemoteParticipant {
  /** Every track currently subscribed from this participant. */
  readonly stream = new MediaStream();
  private _connection: ParticipantConnection = 'connected';

  constructor(
    readonly id: string,
    readonly name: string,
  ) {}

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

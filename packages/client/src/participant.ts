/** Someone else in the room, as this browser sees them. */
export class RemoteParticipant {
  /** Every track currently subscribed from this participant. */
  readonly stream = new MediaStream();

  constructor(
    readonly id: string,
    readonly name: string,
  ) {}

  get videoTrack(): MediaStreamTrack | undefined {
    return this.stream.getVideoTracks()[0];
  }

  get audioTrack(): MediaStreamTrack | undefined {
    return this.stream.getAudioTracks()[0];
  }
}

import { BackdropError } from './errors.js';

/** What LocalScreenShare needs: the publisher's screen m-lines and the signalling channel. */
export interface ScreenShareSeams {
  /** Puts the share on the publisher's screen m-lines (undefined: takes it off). */
  setTracks(
    share: { video: MediaStreamTrack; audio?: MediaStreamTrack | undefined } | undefined,
  ): Promise<void>;
  /** Tells the server (`screenShare {active}`); false if the socket is down (the resume or rejoin tells it). */
  announce(active: boolean): boolean;
  /** Our share started (its video track) or stopped (undefined). */
  changed(video: MediaStreamTrack | undefined): void;
}

/**
 * This browser's screen share: owns the captured tracks (stopped when the share ends, however it ends: our
 * stop, the browser's own "Stop sharing" bar, which ends the video track, or leaving), and puts them on the
 * publisher's screen m-lines. One share at a time; starting another replaces it.
 */
export class LocalScreenShare {
  private current:
    | { video: MediaStreamTrack; audio: MediaStreamTrack | undefined; onEnded: () => void }
    | undefined;

  constructor(private readonly seams: ScreenShareSeams) {}

  get video(): MediaStreamTrack | undefined {
    return this.current?.video;
  }

  get active(): boolean {
    return this.current !== undefined;
  }

  /** Shares `stream` (from getDisplayMedia): its first video track, and its first audio track if any. */
  async start(stream: MediaStream): Promise<void> {
    const video = stream.getVideoTracks()[0];
    if (!video || video.readyState === 'ended') throw BackdropError.invalidState('no live video to share');
    const audio = stream.getAudioTracks()[0];
    this.release();
    const onEnded = () => {
      if (this.current?.video === video) void this.stop();
    };
    video.addEventListener('ended', onEnded);
    this.current = { video, audio, onEnded };
    // NOTE: a share is text and slides; `detail` keeps it sharp at the cost of frame rate.
    if ('contentHint' in video) video.contentHint = 'detail';
    try {
      await this.seams.setTracks({ video, audio });
    } catch (error) {
      this.release();
      await this.seams.setTracks(undefined).catch(() => undefined);
      throw new BackdropError('media_failed', 'could not send the screen share', { cause: error });
    }
    this.seams.announce(true);
    this.seams.changed(video);
  }

  /** Tells the server again that we share, if we do (a fresh join republished the share). */
  reannounce(): void {
    if (this.current) this.seams.announce(true);
  }

  /** Stops sharing: the tracks are stopped, the m-lines emptied, everyone told. Idempotent. */
  async stop(): Promise<void> {
    if (!this.release()) return;
    this.seams.announce(false);
    this.seams.changed(undefined);
    await this.seams.setTracks(undefined);
  }

  /** Stops the captured tracks without telling anyone (the call is being torn down). */
  dispose(): void {
    if (this.release()) this.seams.changed(undefined);
  }

  private release(): boolean {
    const current = this.current;
    if (!current) return false;
    this.current = undefined;
    current.video.removeEventListener('ended', current.onEnded);
    current.video.stop();
    current.audio?.stop();
    return true;
  }
}

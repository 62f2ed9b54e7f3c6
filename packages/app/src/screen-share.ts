import type { RemoteParticipant, Room } from '@backdrop/client';
import { type ReadonlySignal, signal } from '@preact/signals';
import type { LayerRequest } from './video-layers.js';

/** Someone's screen share as a tile shows it. */
export interface ShareView {
  participantId: string;
  name: string;
  /** The share's video (and tab/system audio) as the tile's `<video>` plays it. */
  stream: MediaStream;
  tracks: readonly MediaStreamTrack[];
}

/** What the controller needs of a Room (a fake in tests). */
export type ShareRoom = Pick<
  Room,
  'on' | 'startScreenShare' | 'stopScreenShare' | 'setVideoLayers' | 'localScreenShare'
>;

/**
 * Screen sharing for the call UI, no DOM: our share (toggled by the `share` control; ended by the browser's
 * own bar too, through the SDK) and everyone else's shares, as signals the components render. Owns nothing
 * but its listeners; the Room owns the captured tracks.
 */
export class ScreenShareController {
  private readonly localSignal = signal<MediaStreamTrack | undefined>(undefined);
  private readonly sharesSignal = signal<readonly ShareView[]>([]);
  private readonly stops: (() => void)[] = [];
  private starting = false;

  constructor(
    private readonly room: ShareRoom,
    private readonly getDisplayMedia: () => Promise<MediaStream> = () =>
      navigator.mediaDevices.getDisplayMedia({ video: true, audio: true }),
  ) {
    this.stops.push(
      room.on('localScreenShareChanged', (track) => {
        this.localSignal.value = track;
      }),
      room.on('screenShareChanged', (p) => this.update(p)),
      room.on('participantLeft', (p) => this.remove(p.id)),
    );
  }

  /** Whether this browser can share at all (no getDisplayMedia on phones). */
  static get isSupported(): boolean {
    return typeof navigator !== 'undefined' && typeof navigator.mediaDevices?.getDisplayMedia === 'function';
  }

  /** Our share's video while we share. */
  get local(): ReadonlySignal<MediaStreamTrack | undefined> {
    return this.localSignal;
  }

  /** The others' shares that are on and have arrived, in the order they started. */
  get shares(): ReadonlySignal<readonly ShareView[]> {
    return this.sharesSignal;
  }

  /**
   * Starts sharing (the browser asks what to share) or stops. Rejects with the browser's error when the user
   * cancels the picker (`NotAllowedError`), for the caller to ignore or explain.
   */
  async toggle(): Promise<void> {
    if (this.localSignal.peek() || this.room.localScreenShare) {
      await this.room.stopScreenShare();
      return;
    }
    if (this.starting) return;
    this.starting = true;
    try {
      const stream = await this.getDisplayMedia();
      try {
        await this.room.startScreenShare(stream);
      } catch (error) {
        for (const track of stream.getTracks()) track.stop();
        throw error;
      }
    } finally {
      this.starting = false;
    }
  }

  close(): void {
    for (const stop of this.stops.splice(0)) stop();
  }

  private update(p: RemoteParticipant): void {
    const tracks = p.screenStream.getTracks();
    if (!p.sharing || !tracks.some((t) => t.kind === 'video')) {
      this.remove(p.id);
      return;
    }
    const view: ShareView = { participantId: p.id, name: p.name, stream: p.screenStream, tracks };
    const list = this.sharesSignal.peek();
    const index = list.findIndex((s) => s.participantId === p.id);
    this.sharesSignal.value = index < 0 ? [...list, view] : list.map((s, i) => (i === index ? view : s));
  }

  private remove(participantId: string): void {
    const list = this.sharesSignal.peek();
    if (list.some((s) => s.participantId === participantId))
      this.sharesSignal.value = list.filter((s) => s.participantId !== participantId);
  }
}

/** Sends the layer requests of VideoLayerRequests through the Room. */
export function sendLayers(room: Pick<Room, 'setVideoLayers'>): (requests: LayerRequest[]) => void {
  return (requests) => room.setVideoLayers(requests);
}

// One clock per bot process that plays the pre-encoded files to every publishing bot's senders: the same
// packets to all (each sender clones and stamps its own SSRC), no encoding.
import { RtpHeader, RtpPacket } from 'werift';
import type { AudioFile, VideoFile } from './containers.js';
import { LoopingSchedule } from './schedule.js';

export type MediaKind = 'audio' | 'video';

/** Where the player sends one kind of media (a werift RTCRtpSender fits). */
export interface RtpSink {
  sendRtp(packet: RtpPacket): Promise<void>;
}

const TICK_MS = 5;

export class Player {
  private readonly schedules: Record<MediaKind, LoopingSchedule>;
  private readonly sinks: Record<MediaKind, Set<RtpSink>> = { audio: new Set(), video: new Set() };
  private readonly seq: Record<MediaKind, number> = { audio: 0, video: 0 };
  private readonly started = performance.now();
  private timer: NodeJS.Timeout | undefined;
  /** Send errors seen (a sender closing under us); counted, not thrown, so one bot cannot stop the clock. */
  sendErrors = 0;

  constructor(files: { video: VideoFile; audio: AudioFile }) {
    this.schedules = { video: LoopingSchedule.video(files.video), audio: LoopingSchedule.audio(files.audio) };
    this.timer = setInterval(() => this.tick(), TICK_MS);
  }

  /** Packets per second one publisher sends of each kind. */
  get packetsPerSecond(): Record<MediaKind, number> {
    return {
      audio: this.schedules.audio.packetsPerSecond,
      video: this.schedules.video.packetsPerSecond,
    };
  }

  /** Starts sending to `sink`; the returned function stops. */
  attach(kind: MediaKind, sink: RtpSink): () => void {
    this.sinks[kind].add(sink);
    return () => this.sinks[kind].delete(sink);
  }

  close(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.sinks.audio.clear();
    this.sinks.video.clear();
  }

  private tick(): void {
    const elapsed = performance.now() - this.started;
    for (const kind of ['audio', 'video'] as const) {
      for (const frame of this.schedules[kind].take(elapsed)) {
        frame.payloads.forEach((payload, i) => {
          const header = new RtpHeader({
            sequenceNumber: this.seq[kind],
            timestamp: frame.timestamp,
            marker: i === frame.payloads.length - 1,
          });
          this.seq[kind] = (this.seq[kind] + 1) & 0xffff;
          const packet = new RtpPacket(header, payload);
          for (const sink of this.sinks[kind]) {
            sink.sendRtp(packet).catch(() => {
              this.sendErrors++;
            });
          }
        });
      }
    }
  }
}

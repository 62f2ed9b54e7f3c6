// When each pre-encoded frame is due, looping the file forever with continuous RTP timestamps. Pure: the caller
// passes the clock.
import type { AudioFile, VideoFile } from './containers.js';
import { vp8Payloads } from './packetize.js';

/** The RTP payloads of one media frame, all with one timestamp; the last one carries the marker bit. */
export interface DueFrame {
  timestamp: number;
  payloads: Buffer[];
}

interface Unit {
  payloads: Buffer[];
  /** Duration in RTP clock ticks. */
  ticks: number;
}

/** A file's frames as RTP payloads, played in a loop from a start time. */
export class LoopingSchedule {
  private next = 0;
  private nextTimestamp = 0;
  /** Milliseconds after start at which `next` is due. */
  private nextDueMs = 0;

  private constructor(
    private readonly units: readonly Unit[],
    private readonly clockRate: number,
  ) {}

  static video(file: VideoFile): LoopingSchedule {
    const ticks = Math.round(90_000 / file.fps);
    return new LoopingSchedule(
      file.frames.map((f) => ({ payloads: vp8Payloads(f.data), ticks })),
      90_000,
    );
  }

  static audio(file: AudioFile): LoopingSchedule {
    return new LoopingSchedule(
      file.packets.map((p, i) => ({ payloads: [p], ticks: file.durations[i]! })),
      48_000,
    );
  }

  /** RTP packets per second this schedule sends (averaged over one loop of the file). */
  get packetsPerSecond(): number {
    const packets = this.units.reduce((n, u) => n + u.payloads.length, 0);
    const seconds = this.units.reduce((n, u) => n + u.ticks, 0) / this.clockRate;
    return packets / seconds;
  }

  /** Frames due at `elapsedMs` after start that were not yet taken, in order (a late caller gets a burst). */
  take(elapsedMs: number): DueFrame[] {
    const due: DueFrame[] = [];
    while (this.nextDueMs <= elapsedMs) {
      const unit = this.units[this.next]!;
      due.push({ timestamp: this.nextTimestamp >>> 0, payloads: unit.payloads });
      this.nextTimestamp = (this.nextTimestamp + unit.ticks) % 2 ** 32;
      this.nextDueMs += (unit.ticks * 1000) / this.clockRate;
      this.next = (this.next + 1) % this.units.length;
    }
    return due;
  }
}

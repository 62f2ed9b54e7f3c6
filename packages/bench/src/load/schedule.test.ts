import { describe, expect, it } from 'vitest';
import { LoopingSchedule } from './schedule.js';

const video = {
  width: 4,
  height: 4,
  fps: 10,
  frames: [
    { data: Buffer.alloc(3000, 1), key: true },
    { data: Buffer.alloc(500, 2), key: false },
  ],
};

describe('LoopingSchedule', () => {
  it('releases frames when due, loops the file and keeps RTP timestamps running on', () => {
    const s = LoopingSchedule.video(video);
    expect(s.take(0).map((f) => f.timestamp)).toEqual([0]);
    expect(s.take(50)).toEqual([]);
    const burst = s.take(250); // frames due at 100 and 200 ms
    expect(burst.map((f) => f.timestamp)).toEqual([9000, 18000]);
    // The third frame is the first one again (the loop), with its 3 payloads.
    expect(burst[1]!.payloads).toHaveLength(3);
    expect(s.take(300).map((f) => f.timestamp)).toEqual([27000]);
  });

  it('counts packets per second over one loop', () => {
    // 3 + 1 payloads per 0.2 s
    expect(LoopingSchedule.video(video).packetsPerSecond).toBeCloseTo(20);
    const audio = LoopingSchedule.audio({ packets: [Buffer.from([1])], durations: [960] });
    expect(audio.packetsPerSecond).toBeCloseTo(50);
  });
});

import { describe, expect, it } from 'vitest';
import { firstStep, nextStep, type RampLimits, type StepOutcome } from './ramp.js';

const limits: RampLimits = {
  minReceivedRatio: 0.95,
  joinP95LimitMs: 5000,
  maxParticipantsPerRoom: 9,
  maxRooms: 3,
  participantsStep: 2,
  roomsStep: 1,
  roomSize: 4,
};
const ok: StepOutcome = { receivedRatioMin: 0.99, joinMsP95: 800, joinFailures: 0, timedOut: false };

describe('ramp', () => {
  it('grows one room by the step, capped at the maximum, then stops there', () => {
    let shape = firstStep('video', limits);
    const sizes = [shape.participantsPerRoom];
    for (;;) {
      const r = nextStep('video', shape, ok, limits);
      if ('stop' in r) {
        expect(r.stop).toMatch(/max-participants 9/);
        break;
      }
      shape = r.next;
      sizes.push(shape.participantsPerRoom);
    }
    expect(sizes).toEqual([2, 4, 6, 8, 9]);
  });

  it('adds rooms of the room size in the rooms phase', () => {
    const first = firstStep('rooms', limits);
    expect(first).toEqual({ rooms: 1, participantsPerRoom: 4 });
    expect(nextStep('rooms', first, ok, limits)).toEqual({ next: { rooms: 2, participantsPerRoom: 4 } });
    expect(nextStep('rooms', { rooms: 3, participantsPerRoom: 4 }, ok, limits)).toEqual({
      stop: 'reached --max-rooms 3',
    });
  });

  it('stops below 95% received, when join p95 explodes, on a failed join or a step past its limit', () => {
    const shape = { rooms: 1, participantsPerRoom: 4 };
    const stop = (o: Partial<StepOutcome>) => nextStep('audio', shape, { ...ok, ...o }, limits);
    expect(stop({ receivedRatioMin: 0.949 })).toEqual({ stop: 'a bot received 94.9% < 95% of its packets' });
    expect(stop({ receivedRatioMin: 0.95 })).toHaveProperty('next');
    expect(stop({ joinMsP95: 5001 })).toHaveProperty('stop', 'join p95 5001 ms > 5000 ms');
    expect(stop({ joinFailures: 1 })).toHaveProperty('stop', '1 join(s) failed');
    expect(stop({ timedOut: true })).toHaveProperty('stop', 'step ran past its time limit');
    // No ratio (one bot alone) is not a failure.
    expect(stop({ receivedRatioMin: null })).toHaveProperty('next');
  });
});

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
  attempts: 1,
};
const ok: StepOutcome = {
  receivedRatioMin: 0.99,
  joinMsP95: 800,
  lossPct: 0.2,
  joinFailures: 0,
  timedOut: false,
};

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
      if (!('next' in r)) throw new Error('no retry without a failure');
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
    // A window that received more than was sent in it carries a backlog: the system is behind.
    expect(stop({ receivedRatioMin: 1.006, lossPct: -6.34 })).toEqual({
      stop: 'received 6.3% more than was sent in the window (a backlog: behind)',
    });
    expect(stop({ lossPct: -0.5 })).toHaveProperty('next');
    expect(stop({ lossPct: null })).toHaveProperty('next');
    expect(stop({ timedOut: true })).toHaveProperty('stop', 'step ran past its time limit');
    // No ratio (one bot alone) is not a failure.
    expect(stop({ receivedRatioMin: null })).toHaveProperty('next');
  });

  it('measures a failed window again before stopping, but not a failed join or a step out of time', () => {
    const shape = { rooms: 1, participantsPerRoom: 6 };
    const twice = { ...limits, attempts: 2 };
    const low = { ...ok, receivedRatioMin: 0.8 };
    expect(nextStep('video', shape, low, twice, 1)).toEqual({
      retry: 'a bot received 80.0% < 95% of its packets',
    });
    expect(nextStep('video', shape, low, twice, 2)).toHaveProperty('stop');
    expect(nextStep('video', shape, ok, twice, 2)).toEqual({ next: { rooms: 1, participantsPerRoom: 8 } });
    expect(nextStep('video', shape, { ...ok, joinFailures: 1 }, twice, 1)).toHaveProperty('stop');
    expect(nextStep('video', shape, { ...ok, timedOut: true }, twice, 1)).toHaveProperty('stop');
  });
});

// When the ramp goes on and when it stops. Pure.

export type Phase = 'video' | 'audio' | 'rooms';

export interface StepShape {
  rooms: number;
  participantsPerRoom: number;
}

export interface RampLimits {
  /** A step passes while its worst bot receives at least this share of what it should (0.95). */
  minReceivedRatio: number;
  /** Join time p95 past this means joins have exploded: stop. */
  joinP95LimitMs: number;
  /** Largest room tried (the server's MAX_PARTICIPANTS_PER_ROOM caps it). */
  maxParticipantsPerRoom: number;
  maxRooms: number;
  /** Bots added per step in the one-room phases. */
  participantsStep: number;
  /** Rooms added per step in the rooms phase. */
  roomsStep: number;
  /** Participants in each room of the rooms phase. */
  roomSize: number;
  /**
   * Windows measured at one size before a failure stops the phase: a failed window is measured again (same
   * bots, no new joins), so one scheduling hiccup of a shared machine does not end the ramp. 1 = no retry.
   */
  attempts: number;
}

export interface StepOutcome {
  receivedRatioMin: number | null;
  joinMsP95: number | null;
  /** 100 × (1 − received / expected) over all bots; below 0, more arrived than was sent in the window. */
  lossPct: number | null;
  /** Joins that failed or timed out in this step. */
  joinFailures: number;
  /** The step ran out of its time limit. */
  timedOut: boolean;
}

/** Received over sent beyond this (percent) is a backlog, not measurement noise at a window's edges. */
export const BACKLOG_PCT = 1;

export function firstStep(phase: Phase, limits: RampLimits): StepShape {
  return phase === 'rooms'
    ? { rooms: 1, participantsPerRoom: limits.roomSize }
    : { rooms: 1, participantsPerRoom: 2 };
}

/** Why the ramp stops after this outcome, or undefined if the step passed. */
export function failure(outcome: StepOutcome, limits: RampLimits): string | undefined {
  if (outcome.timedOut) return 'step ran past its time limit';
  if (outcome.joinFailures > 0) return `${outcome.joinFailures} join(s) failed`;
  if (outcome.receivedRatioMin !== null && outcome.receivedRatioMin < limits.minReceivedRatio)
    return `a bot received ${(outcome.receivedRatioMin * 100).toFixed(1)}% < ${(limits.minReceivedRatio * 100).toFixed(0)}% of its packets`;
  // More arrived than the window's senders sent: packets from before it came late, the bots or Janus are behind
  // (a backlog can even lift a starved bot over the line). Not a pass.
  if (outcome.lossPct !== null && outcome.lossPct < -BACKLOG_PCT)
    return `received ${(-outcome.lossPct).toFixed(1)}% more than was sent in the window (a backlog: behind)`;
  if (outcome.joinMsP95 !== null && outcome.joinMsP95 > limits.joinP95LimitMs)
    return `join p95 ${outcome.joinMsP95.toFixed(0)} ms > ${limits.joinP95LimitMs} ms`;
  return undefined;
}

/** The next step of `phase` after `current` with `outcome`, or why the phase stops. */
export function nextStep(
  phase: Phase,
  current: StepShape,
  outcome: StepOutcome,
  limits: RampLimits,
  /** Windows already measured at `current` (1 after the first). */
  attempt = 1,
): { next: StepShape } | { retry: string } | { stop: string } {
  const failed = failure(outcome, limits);
  // A failed join or a step past its time limit is not a noisy window: no retry.
  const retryable = !outcome.timedOut && outcome.joinFailures === 0;
  if (failed && retryable && attempt < limits.attempts) return { retry: failed };
  if (failed) return { stop: failed };
  if (phase === 'rooms') {
    if (current.rooms >= limits.maxRooms) return { stop: `reached --max-rooms ${limits.maxRooms}` };
    return {
      next: {
        rooms: Math.min(limits.maxRooms, current.rooms + limits.roomsStep),
        participantsPerRoom: current.participantsPerRoom,
      },
    };
  }
  if (current.participantsPerRoom >= limits.maxParticipantsPerRoom)
    return { stop: `reached --max-participants ${limits.maxParticipantsPerRoom}` };
  return {
    next: {
      rooms: 1,
      participantsPerRoom: Math.min(
        limits.maxParticipantsPerRoom,
        current.participantsPerRoom + limits.participantsStep,
      ),
    },
  };
}

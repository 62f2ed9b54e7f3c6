import { CLOSE_CODES } from '@backdrop/protocol';
import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_RECOVERY, shouldReconnect } from './recovery.js';

describe('backoffDelay', () => {
  const steps = DEFAULT_RECOVERY.reconnectDelaysMs;
  const { jitter } = DEFAULT_RECOVERY;

  it('follows the steps without jitter at the midpoint, and repeats the last one', () => {
    const delays = Array.from({ length: steps.length + 3 }, (_, i) =>
      backoffDelay(steps, i, jitter, () => 0.5),
    );
    expect(delays).toEqual([...steps, steps.at(-1), steps.at(-1), steps.at(-1)]);
  });

  it('stays within ± jitter', () => {
    const last = steps.at(-1)!;
    expect(backoffDelay(steps, 99, jitter, () => 0)).toBe(last * (1 - jitter));
    expect(backoffDelay(steps, 99, jitter, () => 0.999999)).toBeCloseTo(last * (1 + jitter), -1);
    expect(backoffDelay(steps, 0, jitter, () => 0)).toBe(0);
  });

  it('an empty schedule means no wait', () => {
    expect(backoffDelay([], 3, jitter, () => 0.9)).toBe(0);
  });
});

describe('shouldReconnect', () => {
  it.each([
    1006,
    CLOSE_CODES.goingAway,
    CLOSE_CODES.serviceRestart,
    CLOSE_CODES.heartbeatTimeout,
    1000,
    1011,
  ])('reconnects after close %i', (code) =>
    expect(shouldReconnect({ kind: 'closed', code, reason: '' })).toBe(true),
  );

  it.each([
    CLOSE_CODES.rateLimited,
    CLOSE_CODES.tooManyBadMessages,
    CLOSE_CODES.slowConsumer,
    CLOSE_CODES.tooManyConnections,
    CLOSE_CODES.messageTooBig,
  ])('does not after close %i', (code) =>
    expect(shouldReconnect({ kind: 'closed', code, reason: '' })).toBe(false),
  );

  it('reconnects after silence and a network change', () => {
    expect(shouldReconnect({ kind: 'silent' })).toBe(true);
    expect(shouldReconnect({ kind: 'networkChanged' })).toBe(true);
  });
});

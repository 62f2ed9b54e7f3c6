import { describe, expect, it } from 'vitest';
import { FakeClock, settle } from '../test/fake-clock.js';
import { FakePeerConnection } from '../test/fake-peer-connection.js';
import { IceWatchdog } from './ice-watchdog.js';
import type { PeerConnection } from './transport.js';

const GRACE = 2_000;
const RETRY = [2_000, 4_000];

/** `instant`: each restart round ends at once; otherwise the test ends it with `finish`. */
function setUp(instant = false) {
  const clock = new FakeClock();
  const pc = new FakePeerConnection({});
  const restarts: { at: number; finish(): void }[] = [];
  const errors: unknown[] = [];
  const watchdog = new IceWatchdog({
    pc: pc as unknown as PeerConnection,
    clock,
    random: () => 0.5,
    graceMs: GRACE,
    retryDelaysMs: RETRY,
    jitter: 0.2,
    restart: () =>
      new Promise<void>((resolve) => {
        restarts.push({ at: clock.now(), finish: resolve });
        if (instant) resolve();
      }),
    onError: (e) => errors.push(e),
  });
  return { clock, pc, restarts, watchdog, errors };
}

describe('IceWatchdog', () => {
  it('a restart asked for while one is in flight runs once right after it, not twice', async () => {
    const { clock, pc, restarts, watchdog } = setUp();
    pc.setState('connected');
    watchdog.restartNow();
    watchdog.restartNow();
    watchdog.restartNow();
    expect(restarts).toHaveLength(1);
    restarts[0]!.finish();
    await settle();
    expect(restarts).toHaveLength(2);
    restarts[1]!.finish();
    await clock.advance(60_000);
    expect(restarts).toHaveLength(2);
  });

  it('retries on its back-off while down: 2 s, then 4 s, then 4 s', async () => {
    const { clock, pc, restarts } = setUp(true);
    const start = clock.now();
    pc.setState('failed');
    await clock.advance(10_000);
    expect(restarts.map((r) => r.at - start)).toEqual([0, 2_000, 6_000, 10_000]);
  });

  it('up again resets the back-off; closed, it does nothing', async () => {
    const { clock, pc, restarts, watchdog } = setUp();
    pc.setState('failed');
    restarts[0]!.finish();
    await clock.advance(RETRY[0]!);
    restarts[1]!.finish();
    pc.setState('connected');
    await clock.advance(60_000);
    expect(restarts).toHaveLength(2);
    pc.setState('failed');
    expect(restarts).toHaveLength(3);
    restarts[2]!.finish();
    watchdog.close();
    pc.setState('disconnected');
    pc.setState('failed');
    watchdog.restartNow();
    await clock.advance(60_000);
    expect(restarts).toHaveLength(3);
    expect(clock.pending).toBe(0);
  });
});

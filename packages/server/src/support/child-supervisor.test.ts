import { existsSync } from 'node:fs';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ChildSupervisor } from './child-supervisor.js';
import { freePort } from './tcp.js';

const logger = pino({ level: 'silent' });
const supervisors: ChildSupervisor<number>[] = [];
afterEach(async () => {
  await Promise.all(supervisors.splice(0).map((s) => s.stop()));
});

/** A supervisor of a Node child that listens on a fresh port (or never does, with `listen: false`). */
function nodeChild(options: { listen?: boolean; startTimeoutMs?: number } = {}) {
  /** Every start's private dir, in order. */
  const dirs: string[] = [];
  const supervisor = new ChildSupervisor<number>({
    name: 'test-child',
    logger,
    startTimeoutMs: options.startTimeoutMs ?? 5000,
    warnLine: /ERROR/,
    prepare: async (dir) => {
      dirs.push(dir);
      const port = await freePort();
      const script =
        options.listen === false
          ? 'setInterval(() => {}, 1000)'
          : `require('node:net').createServer().listen(${port}, '127.0.0.1')`;
      return { command: [process.execPath, '-e', script], probe: { host: '127.0.0.1', port }, result: port };
    },
  });
  supervisors.push(supervisor);
  return { supervisor, dirs };
}

describe('ChildSupervisor', () => {
  it('starts a child, hands out its result, and restarts it after a crash', async () => {
    const { supervisor, dirs } = nodeChild();
    const port = await supervisor.start();
    expect(supervisor.current).toBe(port);
    const pid = supervisor.pid!;
    const crashed = new Promise((resolve) => supervisor.once('crashed', (_code, signal) => resolve(signal)));
    const ready = new Promise<number>((resolve) => supervisor.once('ready', resolve));
    process.kill(pid, 'SIGKILL');
    expect(await crashed).toBe('SIGKILL');
    const second = await ready;
    expect(supervisor.pid).not.toBe(pid);
    expect(second).not.toBe(port);
    // The first start's private dir is removed once that child is gone.
    expect(existsSync(dirs[0]!)).toBe(false);
  });

  it('kills a child that does not open its port in time, and the start fails', async () => {
    const { supervisor, dirs } = nodeChild({ listen: false, startTimeoutMs: 600 });
    await expect(supervisor.start()).rejects.toThrow(/test-child/);
    expect(supervisor.pid).toBeUndefined();
    expect(existsSync(dirs[0]!)).toBe(false);
  });

  it('stops the child and removes its dir, and does not restart it', async () => {
    const { supervisor, dirs } = nodeChild();
    await supervisor.start();
    const pid = supervisor.pid!;
    await supervisor.stop();
    expect(() => process.kill(pid, 0)).toThrow();
    expect(supervisor.pid).toBeUndefined();
    expect(existsSync(dirs[0]!)).toBe(false);
  });

  it('doubles the back-off from 0.5 s up to 30 s', () => {
    expect([0, 1, 2, 3, 6, 7, 20].map((n) => ChildSupervisor.backoffMs(n))).toEqual([
      500, 1000, 2000, 4000, 30_000, 30_000, 30_000,
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { JanusHandle } from './janus-handle.js';

function deferred<T>(): { promise: Promise<T>; resolve(value: T): void; reject(error: Error): void } {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function owner(log: string[], isOpen = true) {
  return {
    isOpen,
    async detach(id: number) {
      log.push(`detach ${id}`);
    },
  };
}

describe('JanusHandle', () => {
  it('runs requests one at a time, in order', async () => {
    const log: string[] = [];
    const handle = new JanusHandle(owner(log), 7);
    const first = deferred<string>();
    const a = handle.run(async () => {
      log.push('a start');
      const value = await first.promise;
      log.push('a end');
      return value;
    });
    const b = handle.run(async () => {
      log.push('b');
      return 'b';
    });
    await Promise.resolve();
    expect(log).toEqual(['a start']);
    first.resolve('a');
    expect(await Promise.all([a, b])).toEqual(['a', 'b']);
    expect(log).toEqual(['a start', 'a end', 'b']);
  });

  it('detaches only after the request in flight settles, even when it fails', async () => {
    const log: string[] = [];
    const handle = new JanusHandle(owner(log), 7);
    const inFlight = deferred<void>();
    const request = handle.run(() => inFlight.promise);
    const closed = handle.close();
    await new Promise((r) => setTimeout(r, 10));
    expect(log).toEqual([]);
    inFlight.reject(new Error('janus said no'));
    await expect(request).rejects.toThrow('janus said no');
    await closed;
    expect(log).toEqual(['detach 7']);
  });

  it('refuses requests once closing, and close is idempotent with one detach', async () => {
    const log: string[] = [];
    const handle = new JanusHandle(owner(log), 7);
    const first = handle.close();
    const second = handle.close();
    expect(second).toBe(first);
    await expect(handle.run(async () => 'late')).rejects.toThrow('closed');
    await first;
    expect(log).toEqual(['detach 7']);
    expect(handle.isClosed).toBe(true);
  });

  it('does not detach when the Janus session is gone', async () => {
    const log: string[] = [];
    await new JanusHandle(owner(log, false), 7).close();
    expect(log).toEqual([]);
  });
});

import type { Clock } from '../src/transport.js';

interface Timer {
  at: number;
  seq: number;
  callback: () => void;
}

/** Lets every pending promise callback run (fakes answer in microtasks, never on real timers). */
export const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Time that moves only when a test says so: `advance` runs every timer due, in order, letting promise
 * callbacks run between them, so a 60 s give-up is tested in milliseconds.
 */
export class FakeClock implements Clock {
  private time = 1_000_000;
  private seq = 0;
  private readonly timers = new Map<number, Timer>();

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.timers.set(id, { at: this.time + Math.max(0, ms), seq: id, callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    if (typeof handle === 'number') this.timers.delete(handle);
  }

  get pending(): number {
    return this.timers.size;
  }

  /** Moves time on by `ms`, running each timer at its own time. */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      await settle();
      const due = [...this.timers.values()]
        .filter((t) => t.at <= end)
        .sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.timers.delete(due.seq);
      this.time = due.at;
      due.callback();
    }
    this.time = end;
    await settle();
  }
}

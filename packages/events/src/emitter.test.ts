import { describe, expect, it } from 'vitest';
import { type EmitterOptions, TypedEmitter } from './emitter.js';

interface Events {
  ping: (n: number) => void;
  error: (error: Error) => void;
}

class Probe extends TypedEmitter<Events> {
  fire<E extends keyof Events>(event: E, ...args: Parameters<Events[E]>): void {
    this.emit(event, ...args);
  }
  clear(): void {
    this.removeAllListeners();
  }
}

function recordingLog() {
  const lines: { message: string; fields: Record<string, unknown> | undefined }[] = [];
  return {
    lines,
    log: { error: (message: string, fields?: Record<string, unknown>) => lines.push({ message, fields }) },
  };
}

function probe(options: Partial<EmitterOptions> = {}) {
  const { lines, log } = recordingLog();
  return { lines, emitter: new Probe({ name: 'test.probe', log, ...options }) };
}

describe('TypedEmitter', () => {
  it('calls listeners in the order added, and on() returns the remover', () => {
    const { emitter } = probe();
    const seen: string[] = [];
    emitter.on('ping', (n) => seen.push(`a${n}`));
    const off = emitter.on('ping', (n) => seen.push(`b${n}`));
    emitter.fire('ping', 1);
    off();
    emitter.fire('ping', 2);
    expect(seen).toEqual(['a1', 'b1', 'a2']);
    expect(emitter.listenerCount('ping')).toBe(1);
  });

  it('once() calls a listener one time', () => {
    const { emitter } = probe();
    let calls = 0;
    emitter.once('ping', () => calls++);
    emitter.fire('ping', 1);
    emitter.fire('ping', 2);
    expect(calls).toBe(1);
    expect(emitter.listenerCount('ping')).toBe(0);
  });

  it('a throwing listener does not stop the others and is reported once to the named log', () => {
    const { emitter, lines } = probe();
    const seen: number[] = [];
    const boom = new Error('listener bug');
    emitter.on('ping', () => {
      throw boom;
    });
    emitter.on('ping', (n) => seen.push(n));
    expect(() => emitter.fire('ping', 7)).not.toThrow();
    expect(seen).toEqual([7]);
    expect(lines).toHaveLength(1);
    expect(lines[0]!.message).toBe('a "ping" listener threw');
    expect(lines[0]!.fields).toMatchObject({ emitter: 'test.probe', event: 'ping', error: boom });
  });

  it('a throwing error listener is reported, never re-emitted as an error (no recursion)', () => {
    const { emitter, lines } = probe();
    let errorCalls = 0;
    emitter.on('error', () => {
      errorCalls++;
      throw new Error('error listener bug');
    });
    emitter.on('ping', () => {
      throw new Error('ping listener bug');
    });
    emitter.fire('ping', 1);
    expect(errorCalls).toBe(0);
    emitter.fire('error', new Error('real'));
    expect(errorCalls).toBe(1);
    expect(lines.map((l) => l.fields?.event)).toEqual(['ping', 'error']);
  });

  it('a log that throws does not break emit either', () => {
    const emitter = new Probe({
      name: 'test.probe',
      log: {
        error: () => {
          throw new Error('log down');
        },
      },
    });
    const seen: number[] = [];
    emitter.on('ping', () => {
      throw new Error('bug');
    });
    emitter.on('ping', (n) => seen.push(n));
    expect(() => emitter.fire('ping', 3)).not.toThrow();
    expect(seen).toEqual([3]);
  });

  it('without a log, reports to the console under its name (never silently)', () => {
    const emitter = new Probe({ name: 'test.console' });
    const original = console.error;
    const calls: unknown[][] = [];
    console.error = (...args: unknown[]) => calls.push(args);
    try {
      emitter.on('ping', () => {
        throw new Error('bug');
      });
      emitter.fire('ping', 1);
    } finally {
      console.error = original;
    }
    expect(calls).toHaveLength(1);
    expect(calls[0]![0]).toBe('[backdrop:test.console] a "ping" listener threw');
  });

  it('a listener added during emit waits for the next one; removeAllListeners empties it', () => {
    const { emitter } = probe();
    const seen: string[] = [];
    emitter.on('ping', () => {
      seen.push('first');
      emitter.on('ping', () => seen.push('late'));
    });
    emitter.fire('ping', 1);
    expect(seen).toEqual(['first']);
    emitter.clear();
    emitter.fire('ping', 2);
    expect(seen).toEqual(['first']);
  });
});

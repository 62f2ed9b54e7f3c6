import type { WaitingInfo } from '@backdrop/protocol';
import { describe, expect, it } from 'vitest';
import { Lobby } from './lobby.js';

function setup(maxWaiting = 2) {
  const timers = new Map<number, () => void>();
  let next = 0;
  const changes: WaitingInfo[][] = [];
  const lobby = new Lobby({
    maxWaiting,
    timeoutMs: 1000,
    onChange: (w) => changes.push(w),
    setTimer: (fn) => {
      timers.set(++next, fn);
      return next;
    },
    clearTimer: (t) => timers.delete(t as number),
  });
  const fire = () => {
    for (const [id, fn] of [...timers]) {
      timers.delete(id);
      fn();
    }
  };
  return { lobby, changes, timers, fire };
}

function knocked(result: ReturnType<Lobby['knock']>) {
  if (typeof result === 'string') throw new Error(`refused: ${result}`);
  return result;
}

describe('Lobby', () => {
  it('keeps newcomers in order and settles each exactly once with the host answer', async () => {
    const { lobby, changes, timers } = setup();
    const ann = knocked(lobby.knock('Ann', 'ann'));
    const bob = knocked(lobby.knock('Bob', 'bob'));
    expect(lobby.list().map((w) => w.name)).toEqual(['Ann', 'Bob']);
    expect(ann.id).toMatch(/^w_/);
    expect(lobby.answer(ann.id, true)).toBe(true);
    expect(lobby.answer(ann.id, false)).toBe(false);
    expect(lobby.answer(bob.id, false)).toBe(true);
    expect(await ann.outcome).toBe('admitted');
    expect(await bob.outcome).toBe('denied');
    expect(lobby.size).toBe(0);
    expect(timers.size).toBe(0);
    expect(changes.map((c) => c.length)).toEqual([1, 2, 1, 0]);
  });

  it('bounds the queue and refuses a second newcomer under a name already waiting', () => {
    const { lobby } = setup(2);
    knocked(lobby.knock('Ann', 'ann'));
    expect(lobby.knock('ANN', 'ann')).toBe('name_taken');
    knocked(lobby.knock('Bob', 'bob'));
    expect(lobby.knock('Cy', 'cy')).toBe('full');
  });

  it('turns a newcomer away when its time is up, and lets it go when its socket closes', async () => {
    const { lobby, fire } = setup();
    const controller = new AbortController();
    const ann = knocked(lobby.knock('Ann', 'ann'));
    const bob = knocked(lobby.knock('Bob', 'bob', controller.signal));
    controller.abort();
    expect(await bob.outcome).toBe('cancelled');
    expect(lobby.list().map((w) => w.name)).toEqual(['Ann']);
    fire();
    expect(await ann.outcome).toBe('timeout');
    expect(lobby.size).toBe(0);
  });

  it('lets everyone go when the room goes away', async () => {
    const { lobby, timers } = setup();
    const ann = knocked(lobby.knock('Ann', 'ann'));
    lobby.close('closed');
    expect(await ann.outcome).toBe('closed');
    expect(timers.size).toBe(0);
    expect(lobby.answer(ann.id, true)).toBe(false);
  });
});

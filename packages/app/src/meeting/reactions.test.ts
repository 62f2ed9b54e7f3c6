import { describe, expect, it } from 'vitest';
import { REACTION_SHOWN_MS, ReactionStore } from './reactions.js';

function fakeTimer() {
  let now = 0;
  let next = 1;
  const pending = new Map<number, { at: number; fn: () => void }>();
  return {
    timer: {
      set: (fn: () => void, ms: number) => {
        const id = next++;
        pending.set(id, { at: now + ms, fn });
        return id as unknown as ReturnType<typeof setTimeout>;
      },
      clear: (t: ReturnType<typeof setTimeout>) => void pending.delete(t as unknown as number),
    },
    advance(ms: number) {
      now += ms;
      for (const [id, p] of [...pending]) {
        if (p.at <= now) {
          pending.delete(id);
          p.fn();
        }
      }
    },
    pending,
  };
}

describe('ReactionStore', () => {
  it('shows the latest reaction per participant for a while, restarting the time on a new one', () => {
    const t = fakeTimer();
    const store = new ReactionStore(t.timer);
    store.show('p_a', '👍');
    t.advance(REACTION_SHOWN_MS - 100);
    store.show('p_a', '🎉');
    store.show('p_b', '👏');
    t.advance(200);
    expect(store.current.value.get('p_a')?.emoji).toBe('🎉');
    t.advance(REACTION_SHOWN_MS);
    expect(store.current.value.size).toBe(0);
  });

  it('stops its timers on dispose', () => {
    const t = fakeTimer();
    const store = new ReactionStore(t.timer);
    store.show('p_a', '👍');
    store.dispose();
    expect(t.pending.size).toBe(0);
    expect(store.current.value.size).toBe(0);
  });
});

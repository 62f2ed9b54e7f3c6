import type { ChatEntry } from '@backdrop/protocol';
import { describe, expect, it } from 'vitest';
import { ChatStore } from './chat-store.js';

const entry = (seq: number, from = 'p_other'): ChatEntry => ({
  seq,
  from,
  name: 'X',
  text: `m${seq}`,
  at: seq,
});

describe('ChatStore', () => {
  it('counts unread messages from others while the panel is closed, not history nor our own', () => {
    const store = new ChatStore(() => 'p_me');
    const all: ChatEntry[] = [];
    const add = (e: ChatEntry, history = false) => {
      all.push(e);
      store.received(e, all, history);
    };
    add(entry(1), true);
    add(entry(2));
    add(entry(3, 'p_me'));
    add(entry(4));
    expect(store.unread.value).toBe(2);
    expect(store.messages.value.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    store.setOpen(true);
    expect(store.unread.value).toBe(0);
    add(entry(5));
    expect(store.unread.value).toBe(0);
    store.setOpen(false);
    add(entry(6));
    expect(store.unread.value).toBe(1);
    store.reset();
    expect([store.unread.value, store.messages.value.length]).toEqual([0, 0]);
  });
});

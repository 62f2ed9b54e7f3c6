import { describe, expect, it } from 'vitest';
import { choosePlacement, chooseShareNode, suspectFromVia } from './placement.js';
import type { NodeReport } from './store.js';

const node = (id: string, participants: number, rooms: number, janusUp = true): NodeReport => ({
  id,
  url: `http://127.0.0.1:${8000 + id.charCodeAt(0)}`,
  participants,
  rooms,
  janusUp,
  at: 0,
});

describe('choosePlacement', () => {
  it('takes the node with the fewest participants, then the fewest rooms', () => {
    expect(choosePlacement({ nodes: [node('a', 5, 1), node('b', 3, 2)], self: 'a' })).toBe('b');
    expect(choosePlacement({ nodes: [node('a', 3, 2), node('b', 3, 1)], self: 'a' })).toBe('b');
  });

  it('gives ties to the deciding node, then to the smallest id', () => {
    expect(choosePlacement({ nodes: [node('a', 0, 0), node('b', 0, 0)], self: 'b' })).toBe('b');
    expect(choosePlacement({ nodes: [node('c', 0, 0), node('b', 0, 0)], self: 'x' })).toBe('b');
  });

  it('skips nodes whose Janus is down and nodes known to be unreachable', () => {
    const nodes = [node('a', 0, 0, false), node('b', 9, 9), node('c', 1, 1)];
    expect(choosePlacement({ nodes, self: 'a' })).toBe('c');
    expect(choosePlacement({ nodes, self: 'a', exclude: new Set(['c']) })).toBe('b');
    expect(choosePlacement({ nodes, self: 'a', exclude: new Set(['b', 'c']) })).toBeUndefined();
    expect(choosePlacement({ nodes: [], self: 'a' })).toBeUndefined();
  });
});

describe('suspectFromVia', () => {
  it('names the node the client asked for only when it landed elsewhere', () => {
    expect(suspectFromVia(undefined, 'a')).toBeUndefined();
    expect(suspectFromVia('a', 'a')).toBeUndefined();
    expect(suspectFromVia('b', 'a')).toBe('b');
  });
});

describe('chooseShareNode (a room over several nodes, ROOM_NODE_CAPACITY)', () => {
  const nodes = [node('a', 2, 1), node('b', 0, 0), node('c', 1, 1)];
  const shares = (entries: [string, number][]) => new Map(entries);

  it('keeps a join on its own node while its share has a place', () => {
    expect(chooseShareNode({ nodes, self: 'a', shares: shares([['a', 1]]), capacity: 2 })).toBe('a');
  });

  it('sends a join past a full share to the least loaded node without part of the room', () => {
    expect(chooseShareNode({ nodes, self: 'a', shares: shares([['a', 2]]), capacity: 2 })).toBe('b');
  });

  it('prefers a node already holding part of the room with a place, the fullest first', () => {
    const s = shares([
      ['a', 2],
      ['b', 0],
      ['c', 1],
    ]);
    expect(chooseShareNode({ nodes, self: 'a', shares: s, capacity: 2 })).toBe('c');
  });

  it('skips dead, excluded and Janus-down nodes, and says when every node is full', () => {
    const s = shares([['a', 2]]);
    expect(chooseShareNode({ nodes, self: 'a', shares: s, capacity: 2, exclude: new Set(['b']) })).toBe('c');
    const down = [node('a', 2, 1), node('b', 0, 0, false)];
    expect(chooseShareNode({ nodes: down, self: 'a', shares: s, capacity: 2 })).toBeUndefined();
    const full = shares([
      ['a', 2],
      ['b', 2],
      ['c', 2],
    ]);
    expect(chooseShareNode({ nodes, self: 'a', shares: full, capacity: 2 })).toBeUndefined();
  });

  it('places a room that has no share anywhere like a new room', () => {
    expect(chooseShareNode({ nodes, self: 'a', shares: shares([]), capacity: 2 })).toBe('b');
  });
});

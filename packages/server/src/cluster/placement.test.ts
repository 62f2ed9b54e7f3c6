import { describe, expect, it } from 'vitest';
import { choosePlacement, suspectFromVia } from './placement.js';
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

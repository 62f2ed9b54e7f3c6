import { describe, expect, it } from 'vitest';
import { planTrackMoves } from './stream-map.js';

describe('planTrackMoves', () => {
  it('adds new mids', () => {
    expect(planTrackMoves(new Map(), [{ mid: '0', participantId: 'a', kind: 'video' }])).toEqual([
      { mid: '0', from: undefined, to: 'a' },
    ]);
  });

  it('drops mids that are no longer listed and keeps unchanged ones quiet', () => {
    const before = new Map([
      ['0', 'a'],
      ['1', 'b'],
    ]);
    expect(planTrackMoves(before, [{ mid: '0', participantId: 'a', kind: 'audio' }])).toEqual([
      { mid: '1', from: 'b', to: undefined },
    ]);
  });

  it('moves a recycled mid from one participant to another', () => {
    expect(planTrackMoves(new Map([['2', 'a']]), [{ mid: '2', participantId: 'c', kind: 'video' }])).toEqual([
      { mid: '2', from: 'a', to: 'c' },
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import {
  decideMediaPath,
  directPeer,
  pathMessage,
  SFU_PATH,
  samePathFor,
  sfuDelivery,
} from './media-path.js';

const a = { id: 'p_a', publishing: true };
const b = { id: 'p_b', publishing: true };
const c = { id: 'p_c', publishing: true };

describe('decideMediaPath', () => {
  it('goes direct with exactly two publishing participants, the earlier joiner impolite', () => {
    expect(decideMediaPath(true, [a, b])).toEqual({ kind: 'direct', first: 'p_a', second: 'p_b' });
    expect(pathMessage(decideMediaPath(true, [a, b]), 'p_a')).toEqual({
      type: 'mediaPath',
      path: 'direct',
      peerId: 'p_b',
      polite: false,
    });
    expect(pathMessage(decideMediaPath(true, [a, b]), 'p_b')).toEqual({
      type: 'mediaPath',
      path: 'direct',
      peerId: 'p_a',
      polite: true,
    });
  });

  it('uses the SFU for one, three or more participants, and back to direct at two', () => {
    expect(decideMediaPath(true, [a])).toEqual(SFU_PATH);
    expect(decideMediaPath(true, [a, b, c])).toEqual(SFU_PATH);
    expect(decideMediaPath(true, [a, c])).toEqual({ kind: 'direct', first: 'p_a', second: 'p_c' });
    expect(decideMediaPath(true, [])).toEqual(SFU_PATH);
  });

  it('uses the SFU while either of the two shares its screen, and goes direct again after', () => {
    expect(decideMediaPath(true, [{ ...a, sharing: true }, b])).toEqual(SFU_PATH);
    expect(decideMediaPath(true, [a, { ...b, sharing: true }])).toEqual(SFU_PATH);
    expect(decideMediaPath(true, [a, { ...b, sharing: false }])).toEqual({
      kind: 'direct',
      first: 'p_a',
      second: 'p_b',
    });
  });

  it('never goes direct with P2P off', () => {
    expect(decideMediaPath(false, [a, b])).toEqual(SFU_PATH);
  });

  it('waits for both to publish', () => {
    expect(decideMediaPath(true, [a, { ...b, publishing: false }])).toEqual(SFU_PATH);
    expect(decideMediaPath(true, [{ ...a, publishing: false }, b])).toEqual(SFU_PATH);
  });
});

describe('what each participant is told and receives', () => {
  const direct = decideMediaPath(true, [a, b]);

  it('names the peer only to the two of the pair', () => {
    expect(directPeer(direct, 'p_a')).toBe('p_b');
    expect(directPeer(direct, 'p_b')).toBe('p_a');
    expect(directPeer(direct, 'p_c')).toBeUndefined();
    expect(directPeer(SFU_PATH, 'p_a')).toBeUndefined();
    expect(pathMessage(SFU_PATH, 'p_a')).toEqual({ type: 'mediaPath', path: 'sfu' });
  });

  it('tells a participant again only when its own path changed', () => {
    const other = decideMediaPath(true, [a, c]);
    expect(samePathFor(direct, direct, 'p_a')).toBe(true);
    expect(samePathFor(SFU_PATH, direct, 'p_a')).toBe(false);
    expect(samePathFor(direct, other, 'p_a')).toBe(false);
    expect(samePathFor(direct, other, 'p_b')).toBe(false);
    expect(samePathFor(SFU_PATH, SFU_PATH, 'p_a')).toBe(true);
  });

  it('keeps the SFU feed of the peer until the subscriber receives it directly', () => {
    expect(sfuDelivery(direct, 'p_a', b, false)).toBe('relayed');
    expect(sfuDelivery(direct, 'p_a', b, true)).toBe('paused');
    expect(sfuDelivery(SFU_PATH, 'p_a', b, true)).toBe('relayed');
  });

  it('never subscribes to a participant not publishing, or to oneself', () => {
    expect(sfuDelivery(SFU_PATH, 'p_a', { ...b, publishing: false }, false)).toBe('none');
    expect(sfuDelivery(SFU_PATH, 'p_a', a, false)).toBe('none');
  });
});

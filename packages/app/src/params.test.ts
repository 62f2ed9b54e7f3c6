import { describe, expect, it } from 'vitest';
import { parseParams, roomFromPath } from './params.js';

describe('parseParams', () => {
  it('reads a script-friendly join link', () => {
    expect(parseParams('?name=%20Ada%20&autojoin=1&effect=remove&background=%2300FF00')).toEqual({
      name: 'Ada',
      autojoin: true,
      effect: { kind: 'remove', color: '#00ff00' },
      problems: [],
    });
  });

  it('accepts bundled backgrounds for replace and nothing else', () => {
    expect(parseParams('?effect=replace&background=lagoon').effect).toEqual({
      kind: 'replace',
      background: 'lagoon',
    });
    expect(parseParams('?effect=replace&background=../../etc').problems[0]).toMatch(/one of dusk/);
  });

  it('refuses to autojoin with a broken link and says why', () => {
    const p = parseParams(`?name=${'x'.repeat(65)}&autojoin=1&effect=sparkle`);
    expect(p.autojoin).toBe(false);
    expect(p.problems).toHaveLength(3);
  });

  it('has no opinion when nothing is given', () => {
    expect(parseParams('')).toEqual({ name: undefined, autojoin: false, effect: undefined, problems: [] });
  });
});

describe('roomFromPath', () => {
  it('accepts valid rooms and rejects others', () => {
    expect(roomFromPath('/r/team-sync')).toEqual({ room: 'team-sync' });
    expect(roomFromPath('/r/Team')).toHaveProperty('problem');
    expect(roomFromPath('/')).toEqual({});
  });
});

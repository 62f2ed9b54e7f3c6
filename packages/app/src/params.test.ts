import { describe, expect, it } from 'vitest';
import { parseParams, roomFromPath } from './params.js';

describe('parseParams', () => {
  it('reads a script-friendly join link', () => {
    expect(parseParams('?name=%20Ada%20&autojoin=1&effect=remove&background=%2300FF00')).toEqual({
      name: 'Ada',
      autojoin: true,
      effect: { kind: 'remove', color: '#00ff00' },
      hostKey: undefined,
      tiles: undefined,
      layout: undefined,
      problems: [],
    });
  });

  it('reads how many videos to show and the layout, and refuses anything else', () => {
    expect(parseParams('?tiles=2&layout=speaker')).toMatchObject({
      tiles: 2,
      layout: 'speaker',
      problems: [],
    });
    for (const bad of ['0', '26', '2.5', '-1', 'x', '1e1'])
      expect(parseParams(`?tiles=${bad}`).problems[0]).toMatch(/tiles in the link/);
    expect(parseParams('?layout=mosaic').problems[0]).toMatch(/grid or speaker/);
  });

  it('reads a host link key, and refuses a malformed one', () => {
    const key = `${'Ab_-'.repeat(10)}xyz`;
    expect(parseParams(`?host=${key}`).hostKey).toBe(key);
    const bad = parseParams('?host=short&autojoin=1');
    expect(bad.hostKey).toBeUndefined();
    expect(bad.autojoin).toBe(false);
    expect(bad.problems[0]).toContain('host link');
  });

  it('accepts bundled backgrounds for replace and nothing else', () => {
    expect(parseParams('?effect=replace&background=lagoon').effect).toEqual({
      kind: 'replace',
      image: '/backgrounds/lagoon.jpg',
    });
    expect(parseParams('?effect=replace&background=../../etc').problems[0]).toMatch(/one of dusk/);
    expect(parseParams('?effect=remove&background=red').problems[0]).toMatch(/colour like #00b140/);
  });

  it('refuses to autojoin with a broken link and says why', () => {
    const p = parseParams(`?name=${'x'.repeat(65)}&autojoin=1&effect=sparkle`);
    expect(p.autojoin).toBe(false);
    expect(p.problems).toEqual([
      'The name in the link is not valid: name must be at most 64 characters.',
      'effect in the link must be none, blur, replace or remove.',
      'Not joining automatically: fix the link or press Join.',
    ]);
  });

  it('treats autojoin=0 as no, and anything else but 1 as a mistake', () => {
    expect(parseParams('?autojoin=0')).toMatchObject({ autojoin: false, problems: [] });
    expect(parseParams('?name=Ada&autojoin=yes')).toMatchObject({
      autojoin: false,
      problems: ['autojoin in the link must be 1 or 0.'],
    });
  });

  it('refuses names that are blank or carry control characters', () => {
    expect(parseParams('?name=%20%20&autojoin=1').autojoin).toBe(false);
    expect(parseParams('?name=a%00b').name).toBeUndefined();
  });

  it('has no opinion when nothing is given', () => {
    expect(parseParams('')).toEqual({
      name: undefined,
      autojoin: false,
      effect: undefined,
      hostKey: undefined,
      problems: [],
    });
  });
});

describe('roomFromPath', () => {
  it('accepts valid rooms and rejects others', () => {
    expect(roomFromPath('/r/team-sync')).toEqual({ room: 'team-sync' });
    expect(roomFromPath('/r/Team')).toHaveProperty('problem');
    expect(roomFromPath('/')).toEqual({});
  });

  it('answers a broken percent-encoding with a problem instead of throwing', () => {
    expect(roomFromPath('/r/%E0%A4%A')).toHaveProperty('problem');
    expect(roomFromPath('/r/team%2Dsync')).toEqual({ room: 'team-sync' });
  });
});

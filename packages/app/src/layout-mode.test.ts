import { describe, expect, it } from 'vitest';
import { AUTO_SPEAKER_FROM, layoutMode, nextLayoutChoice } from './layout-mode.js';

describe('layoutMode', () => {
  it('is the grid for small rooms and the speaker view from AUTO_SPEAKER_FROM people, on auto', () => {
    expect(layoutMode({ choice: 'auto', people: AUTO_SPEAKER_FROM - 1, sharing: false })).toBe('grid');
    expect(layoutMode({ choice: 'auto', people: AUTO_SPEAKER_FROM, sharing: false })).toBe('speaker');
  });

  it('follows an explicit choice, and a share always wins', () => {
    expect(layoutMode({ choice: 'speaker', people: 2, sharing: false })).toBe('speaker');
    expect(layoutMode({ choice: 'grid', people: 20, sharing: false })).toBe('grid');
    expect(layoutMode({ choice: 'grid', people: 2, sharing: true })).toBe('presenter');
  });

  it('cycles the choices and comes back', () => {
    expect(nextLayoutChoice(nextLayoutChoice(nextLayoutChoice('auto')))).toBe('auto');
    expect(nextLayoutChoice('auto')).toBe('grid');
  });
});

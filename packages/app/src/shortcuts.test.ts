import { describe, expect, it } from 'vitest';
import { type KeyPress, matchShortcut, SHORTCUTS, shortcutLabel } from './shortcuts.js';

const press = (over: Partial<KeyPress>): KeyPress => ({
  key: 'd',
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  altKey: false,
  typing: false,
  mac: false,
  ...over,
});

describe('keyboard shortcuts', () => {
  it('Ctrl+D is the mic and Ctrl+E the camera; Cmd on a Mac', () => {
    expect(matchShortcut(press({ ctrlKey: true }))?.control).toBe('mic');
    expect(matchShortcut(press({ key: 'E', ctrlKey: true }))?.control).toBe('camera');
    expect(matchShortcut(press({ metaKey: true, mac: true }))?.control).toBe('mic');
    expect(matchShortcut(press({ metaKey: true }))).toBeUndefined();
    expect(matchShortcut(press({ ctrlKey: true, mac: true }))).toBeUndefined();
  });

  it('does nothing while typing, with Alt, without the modifier, or with a Shift it does not have', () => {
    expect(matchShortcut(press({ ctrlKey: true, typing: true }))).toBeUndefined();
    expect(matchShortcut(press({ ctrlKey: true, altKey: true }))).toBeUndefined();
    expect(matchShortcut(press({}))).toBeUndefined();
    expect(matchShortcut(press({ ctrlKey: true, shiftKey: true }))).toBeUndefined();
    expect(matchShortcut(press({ key: 'c', ctrlKey: true, shiftKey: true }))?.control).toBe('chat');
  });

  it('"?" opens the help with or without Shift, but not while typing', () => {
    expect(matchShortcut(press({ key: '?', shiftKey: true }))?.control).toBe('help');
    expect(matchShortcut(press({ key: '?' }))?.control).toBe('help');
    expect(matchShortcut(press({ key: '?', typing: true }))).toBeUndefined();
  });

  it('keys are unique and labelled for the platform', () => {
    const keys = SHORTCUTS.map((s) => `${s.mod}${s.shift ?? false}${s.key}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(shortcutLabel(SHORTCUTS[0]!, false)).toBe('Ctrl+D');
    expect(shortcutLabel(SHORTCUTS.find((s) => s.control === 'chat')!, true)).toBe('⌘+Shift+C');
  });
});

import { describe, expect, it } from 'vitest';
import { checkDisplayName, displayNameKey } from './display-name.js';
import { DisplayName } from './messages.js';

const refusal = (raw: string) => {
  const r = checkDisplayName(raw);
  return r.ok ? undefined : r.reason;
};

describe('checkDisplayName', () => {
  it.each([
    ['lone high surrogate', '\ud800', /well-formed/],
    ['lone low surrogate inside', 'ab\udc00cd', /well-formed/],
    ['zero-width space', 'a\u200bb', /invisible.*U\+200B/],
    ['byte-order mark', 'Ad\ufeffa', /invisible.*U\+FEFF/],
    ['soft hyphen', 'Ad\u00ada', /invisible.*U\+00AD/],
    ['word joiner', 'Ad\u2060a', /invisible/],
    ['Hangul filler only', '\u3164', /invisible/],
    ['right-to-left override', '\u202eevil', /text-direction.*U\+202E/],
    ['left-to-right mark', 'Ada\u200e', /text-direction.*U\+200E/],
    ['right-to-left mark', '\u200fAda', /text-direction/],
    ['first-strong isolate', 'a\u2068b', /text-direction.*U\+2068/],
    ['pop directional isolate', 'a\u2069', /text-direction/],
    ['NUL', 'a\u0000b', /control.*U\+0000/],
    ['newline', 'Ada\nLovelace', /control/],
    ['DEL', 'Ada\u007f', /control/],
    ['C1 control', 'Ada\u0085x', /control/],
    ['line separator', 'Ada\u2028x', /line breaks/],
    ['paragraph separator', 'Ada\u2029x', /line breaks/],
    ['private use', 'Ada\ue000', /private-use/],
    ['unassigned', 'Ada\u0378', /unassigned/],
    ['noncharacter', 'Ada\uffff', /unassigned/],
    ['empty', '', /empty/],
    ['only spaces', '   \u3000 ', /empty/],
    ['only combining marks', '\u0301\u0308', /visible/],
    ['ZWJ at the start', '\u200dAda', /invisible/],
    ['ZWJ between spaces', 'a \u200d b', /invisible/],
    ['ZWNJ between digits', '1\u200c2', /invisible/],
    ['variation selector alone', '\ufe0f', /invisible/],
    ['65 characters', 'n'.repeat(65), /at most 64/],
    ['65 emoji', '\u{1f600}'.repeat(65), /at most 64/],
  ])('refuses %s', (_what, raw, reason) => {
    expect(refusal(raw)).toMatch(reason);
  });

  it.each([
    ['Latin', 'Ada Lovelace'],
    ['accented (precomposed)', 'Zoë Ångström'],
    ['combining accents', 'Zoe\u0308 Jose\u0301'],
    ['Arabic', 'محمد عبد الله'],
    ['Hebrew', 'דוד כהן'],
    ['Persian with ZWNJ', 'می\u200cخواهم'],
    ['Devanagari', 'अनुष्का शर्मा'],
    ['CJK', '王小明'],
    ['Japanese', 'さくら 山田'],
    ['Korean', '김민준'],
    ['Cyrillic', 'Пётр Ильич'],
    ['Greek', 'Ὀδυσσεύς'],
    ['Thai', 'สมชาย'],
    ['emoji', 'Sam 🎸'],
    ['emoji with skin tone', '👋🏽 Ana'],
    ['ZWJ family emoji', '👨\u200d👩\u200d👧'],
    ['emoji presentation selector', '❤\ufe0f Kim'],
    ['flag', '🇳🇬 Chidi'],
    ['rainbow flag (selector then ZWJ)', '🏳\ufe0f\u200d🌈'],
    ['64 characters', 'n'.repeat(64)],
    ['64 emoji', '\u{1f600}'.repeat(64)],
    ['punctuation', "O'Brien-Smith, Jr."],
  ])('accepts %s', (_what, raw) => {
    expect(checkDisplayName(raw)).toEqual({ ok: true, name: raw.normalize('NFC') });
  });

  it('trims and normalises to NFC', () => {
    expect(checkDisplayName('  Zoe\u0308  ')).toEqual({ ok: true, name: 'Zo\u00eb' });
  });
});

describe('DisplayName schema', () => {
  it('gives the reason and marks the refusal invalid_name', () => {
    const r = DisplayName.safeParse('\u202eevil');
    expect(r.success).toBe(false);
    const issue = r.error?.issues[0];
    expect(issue?.message).toMatch(/text-direction/);
    expect(issue?.code === 'custom' && issue.params?.errorCode).toBe('invalid_name');
  });
  it('returns the normalised name', () => {
    expect(DisplayName.parse(' Ada ')).toBe('Ada');
  });
});

describe('displayNameKey', () => {
  it('treats case, width, compatibility forms and joiners as the same name', () => {
    const key = displayNameKey('alice');
    for (const same of ['Alice', 'ALICE', 'Ａｌｉｃｅ', ' alice ', 'al\u200dice'])
      expect(displayNameKey(same), same).toBe(key);
    expect(displayNameKey('Straße')).toBe(displayNameKey('STRASSE'));
    expect(displayNameKey('Ada  Lovelace')).toBe(displayNameKey('ada lovelace'));
    expect(displayNameKey('Zoe\u0308')).toBe(displayNameKey('Zo\u00eb'));
    expect(displayNameKey('Alicia')).not.toBe(key);
  });
});

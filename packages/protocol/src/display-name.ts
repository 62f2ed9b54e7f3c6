import { NAME_MAX_CHARS } from './limits.js';

/**
 * Display names: what a person is called in a meeting. Pure, shared by the browser (lobby, link parameters) and
 * the server (which enforces it). A name is shown to everyone in the room, so it must look like what it is:
 * nothing invisible, nothing that reorders the text around it, nothing that spans lines.
 */

/** Why a name was refused, or the name as it will be used (trimmed, NFC). */
export type DisplayNameCheck = { ok: true; name: string } | { ok: false; reason: string };

// ES2024 String methods; Node 20 and current browsers have them, the ES2023 lib does not declare them.
type WellFormedString = string & { isWellFormed(): boolean };

const CONTROL = /\p{Cc}/u;
const LINE_BREAK = /[\p{Zl}\p{Zp}]/u;
const BIDI_CONTROL = /\p{Bidi_Control}/u;
const PRIVATE_OR_UNASSIGNED = /[\p{Co}\p{Cn}\p{Noncharacter_Code_Point}]/u;
/** Invisible in text: format characters (U+200B, U+FEFF, U+00AD...), Hangul fillers, and the like. */
const INVISIBLE = /[\p{Cf}\p{Default_Ignorable_Code_Point}]/u;
/** Something a reader can see: a letter, digit, symbol or punctuation mark. */
const VISIBLE = /[\p{L}\p{N}\p{S}\p{P}]/u;
const LETTER = /[\p{L}\p{M}]/u;
const PICTOGRAPH = /\p{Extended_Pictographic}|\p{Emoji_Modifier}|\p{Variation_Selector}/u;

function hex(ch: string): string {
  return `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * The few invisible characters real names need, where they do their job: ZWNJ (U+200C) between letters
 * (Persian, Indic scripts), ZWJ (U+200D) between letters or inside an emoji sequence, and variation selectors
 * right after a visible character (emoji presentation, CJK variants). Elsewhere they only hide things.
 */
function allowedInvisible(chars: string[], i: number): boolean {
  const ch = chars[i]!;
  const before = chars[i - 1];
  const after = chars[i + 1];
  if (/\p{Variation_Selector}/u.test(ch)) return before !== undefined && VISIBLE.test(before);
  if (before === undefined || after === undefined) return false;
  if (ch === '\u200c') return LETTER.test(before) && LETTER.test(after);
  if (ch === '\u200d') {
    return (LETTER.test(before) && LETTER.test(after)) || (PICTOGRAPH.test(before) && PICTOGRAPH.test(after));
  }
  return false;
}

/** Checks and normalises a display name. Every refusal says what is wrong, for the lobby to show. */
export function checkDisplayName(raw: string): DisplayNameCheck {
  if (!(raw as WellFormedString).isWellFormed()) {
    return { ok: false, reason: 'name is not well-formed Unicode (it has a lone surrogate)' };
  }
  const name = raw.normalize('NFC').trim();
  const chars = [...name];
  if (chars.length === 0) return { ok: false, reason: 'name must not be empty' };
  if (chars.length > NAME_MAX_CHARS) {
    return { ok: false, reason: `name must be at most ${NAME_MAX_CHARS} characters` };
  }
  for (const [i, ch] of chars.entries()) {
    if (CONTROL.test(ch))
      return { ok: false, reason: `name must not contain control characters (${hex(ch)})` };
    if (LINE_BREAK.test(ch)) return { ok: false, reason: `name must not contain line breaks (${hex(ch)})` };
    if (BIDI_CONTROL.test(ch)) {
      return { ok: false, reason: `name must not contain text-direction controls (${hex(ch)})` };
    }
    if (PRIVATE_OR_UNASSIGNED.test(ch)) {
      return { ok: false, reason: `name must not contain private-use or unassigned characters (${hex(ch)})` };
    }
    if (INVISIBLE.test(ch) && !allowedInvisible(chars, i)) {
      return { ok: false, reason: `name must not contain invisible characters (${hex(ch)})` };
    }
  }
  if (!VISIBLE.test(name)) {
    return { ok: false, reason: 'name must contain a visible letter, digit or symbol' };
  }
  return { ok: true, name };
}

/**
 * What two names must not share within one room: compatibility-normalised (NFKC), case-folded, without the
 * invisible joiners and selectors, with runs of spaces as one. "Ａｌｉｃｅ", "ALICE" and "alice" are one name.
 */
export function displayNameKey(name: string): string {
  return name
    .normalize('NFKC')
    .toUpperCase()
    .toLowerCase()
    .replace(/\p{Default_Ignorable_Code_Point}/gu, '')
    .replace(/\s+/gu, ' ')
    .trim()
    .normalize('NFKC');
}

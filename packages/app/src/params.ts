import { DisplayName, RoomName } from '@backdrop/protocol';

/** Bundled backgrounds, served from /backgrounds/<name>.jpg. */
export const BUNDLED_BACKGROUNDS = ['dusk', 'lagoon', 'nebula'] as const;
export type BundledBackground = (typeof BUNDLED_BACKGROUNDS)[number];

/** What the user (or a script, through the query string) chose for their background. */
export type EffectChoice =
  | { kind: 'none' }
  | { kind: 'blur' }
  | { kind: 'replace'; background: BundledBackground }
  | { kind: 'remove'; color: string };

export interface PageParams {
  name: string | undefined;
  autojoin: boolean;
  effect: EffectChoice | undefined;
  /** Problems with the query string, each a sentence for the user. */
  problems: string[];
}

const HEX = /^#[0-9a-f]{6}$/i;

/** The room in a `/r/<room>` path, or undefined (landing page), or an error for a malformed one. */
export function roomFromPath(pathname: string): { room?: string; problem?: string } {
  if (!pathname.startsWith('/r/')) return {};
  const result = RoomName.safeParse(decodeURIComponent(pathname.slice(3)));
  return result.success ? { room: result.data } : { problem: 'This room link is not valid.' };
}

/** Parses `?name=&autojoin=1&effect=none|blur|replace|remove&background=#rrggbb|<bundled name>`. Pure. */
export function parseParams(search: string): PageParams {
  const q = new URLSearchParams(search);
  const problems: string[] = [];
  let name: string | undefined;
  const rawName = q.get('name');
  if (rawName !== null) {
    const parsed = DisplayName.safeParse(rawName);
    if (parsed.success) name = parsed.data;
    else problems.push(`The name in the link is not valid: ${parsed.error.issues[0]?.message ?? 'invalid'}.`);
  }
  const autojoinRaw = q.get('autojoin');
  const autojoin = autojoinRaw === '1' || autojoinRaw === 'true';
  if (autojoinRaw !== null && !autojoin && autojoinRaw !== '0' && autojoinRaw !== 'false') {
    problems.push('autojoin in the link must be 1 or 0.');
  }
  const background = q.get('background');
  let effect: EffectChoice | undefined;
  switch (q.get('effect')) {
    case null:
      break;
    case 'none':
      effect = { kind: 'none' };
      break;
    case 'blur':
      effect = { kind: 'blur' };
      break;
    case 'replace': {
      const bundled = BUNDLED_BACKGROUNDS.find((b) => b === background);
      if (bundled) effect = { kind: 'replace', background: bundled };
      else problems.push(`With effect=replace, background must be one of ${BUNDLED_BACKGROUNDS.join(', ')}.`);
      break;
    }
    case 'remove':
      if (background !== null && HEX.test(background))
        effect = { kind: 'remove', color: background.toLowerCase() };
      else if (background === null) effect = { kind: 'remove', color: '#00b140' };
      else problems.push('With effect=remove, background must be a colour like #00b140.');
      break;
    default:
      problems.push('effect in the link must be none, blur, replace or remove.');
  }
  if (problems.length > 0 && autojoin)
    problems.push('Not joining automatically: fix the link or press Join.');
  return { name, autojoin: autojoin && problems.length === 0, effect, problems };
}

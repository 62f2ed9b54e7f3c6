import { EFFECT_KINDS, type EffectMode, parseHexColor } from '@backdrop/effects';
import { DisplayName, HostKey } from '@backdrop/protocol';
import { BUNDLED_BACKGROUNDS, bundledBackgroundUrl, DEFAULT_REMOVE_COLOR } from './effect-options.js';

export interface PageParams {
  name: string | undefined;
  autojoin: boolean;
  /** The effect a script asked for through the query string (a bundled background or a colour at most). */
  effect: EffectMode | undefined;
  /** `?host=<key>` from a host link: join as a host (the server checks the key). */
  hostKey: string | undefined;
  /** `?tiles=N`: at most N of the others on screen with video (default: as many as the window holds). */
  tiles: number | undefined;
  /** `?layout=grid|speaker`: the call's layout to start with (default: automatic). */
  layout: 'grid' | 'speaker' | undefined;
  /** Problems with the query string, each a sentence for the user. */
  problems: string[];
}

/** The largest `tiles=` a link may ask for (a room's size cap is larger, but no screen shows more). */
const MAX_TILES_PARAM = 25;

// The room path has a module of its own (no effects library in it) for the early media script.
export { roomFromPath } from './room-path.js';

/**
 * Parses `?name=&autojoin=1&effect=none|blur|replace|remove&background=#rrggbb|<bundled name>&host=<key>
 * &tiles=N&layout=grid|speaker`. Pure.
 */
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
  let effect: EffectMode | undefined;
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
      if (bundled) effect = { kind: 'replace', image: bundledBackgroundUrl(bundled) };
      else problems.push(`With effect=replace, background must be one of ${BUNDLED_BACKGROUNDS.join(', ')}.`);
      break;
    }
    case 'remove':
      if (background !== null && parseHexColor(background))
        effect = { kind: 'remove', color: background.toLowerCase() };
      else if (background === null) effect = { kind: 'remove', color: DEFAULT_REMOVE_COLOR };
      else problems.push(`With effect=remove, background must be a colour like ${DEFAULT_REMOVE_COLOR}.`);
      break;
    default:
      problems.push(
        `effect in the link must be ${EFFECT_KINDS.slice(0, -1).join(', ')} or ${EFFECT_KINDS.at(-1)}.`,
      );
  }
  const rawHost = q.get('host');
  let hostKey: string | undefined;
  if (rawHost !== null) {
    if (HostKey.safeParse(rawHost).success) hostKey = rawHost;
    else problems.push('The host link is not valid: copy it again from a host of the meeting.');
  }
  const rawTiles = q.get('tiles');
  let tiles: number | undefined;
  if (rawTiles !== null) {
    const n = Number(rawTiles);
    if (/^\d{1,2}$/.test(rawTiles) && n >= 1 && n <= MAX_TILES_PARAM) tiles = n;
    else problems.push(`tiles in the link must be a whole number from 1 to ${MAX_TILES_PARAM}.`);
  }
  const rawLayout = q.get('layout');
  let layout: PageParams['layout'];
  if (rawLayout === 'grid' || rawLayout === 'speaker') layout = rawLayout;
  else if (rawLayout !== null) problems.push('layout in the link must be grid or speaker.');
  if (problems.length > 0 && autojoin)
    problems.push('Not joining automatically: fix the link or press Join.');
  return { name, autojoin: autojoin && problems.length === 0, effect, hostKey, tiles, layout, problems };
}

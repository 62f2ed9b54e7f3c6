import { loadBackgroundImage } from '../background-image.js';
import { EffectError } from '../errors.js';
import { clampStrength, type EffectMode, parseHexColor } from '../mask/mode.js';
import type { ResolvedMode } from '../worker/resolved-mode.js';

/** Validates a mode and decodes its image; throws EffectError, leaving the current effect untouched. */
export async function resolveMode(mode: EffectMode): Promise<ResolvedMode> {
  switch (mode?.kind) {
    case 'none':
      return { kind: 'none' };
    case 'blur':
      return { kind: 'blur', strength: clampStrength(mode.strength) };
    case 'remove': {
      const color = parseHexColor(mode.color);
      if (!color)
        throw new EffectError('invalid_mode', `remove needs a colour as #rrggbb, got ${String(mode.color)}`);
      return { kind: 'remove', color };
    }
    case 'replace':
      return { kind: 'replace', image: await loadBackgroundImage(mode.image) };
    default:
      throw new EffectError(
        'invalid_mode',
        `unknown effect mode ${JSON.stringify((mode as { kind?: unknown })?.kind)}`,
      );
  }
}

export function transferablesOf(mode: ResolvedMode): Transferable[] {
  return mode.kind === 'replace' ? [mode.image] : [];
}

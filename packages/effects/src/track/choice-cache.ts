import { isRenderer, type Renderer } from '../render/compositor.js';
import type { Delegate } from '../segmentation/segmenter.js';

/**
 * The back end and delegate measured at an earlier start in this browser, kept in localStorage: a later start
 * with both on `auto` takes them instead of deciding again (reading the WebGL renderer, timing trials).
 */
const CHOICE_CACHE_KEY = 'backdrop.effects.choice.v2';

export interface CachedChoice {
  delegate: Delegate;
  renderer: Renderer;
}

/** Keyed by the user agent (browser version) and the asset base, which carries the hash of the wasm and model. */
export function choiceKey(assetBase: string, runtime: string): string {
  return `${navigator.userAgent} ${assetBase} ${runtime}`;
}

export function cachedChoice(key: string): CachedChoice | null {
  try {
    const raw = globalThis.localStorage?.getItem(CHOICE_CACHE_KEY);
    const parsed = raw ? (JSON.parse(raw) as { key?: string; delegate?: string; renderer?: string }) : null;
    if (
      parsed?.key === key &&
      (parsed.delegate === 'CPU' || parsed.delegate === 'GPU') &&
      isRenderer(parsed.renderer)
    ) {
      return { delegate: parsed.delegate, renderer: parsed.renderer };
    }
  } catch {
    // No storage (privacy mode): decide again.
  }
  return null;
}

export function storeChoice(key: string, choice: CachedChoice): void {
  try {
    globalThis.localStorage?.setItem(CHOICE_CACHE_KEY, JSON.stringify({ key, ...choice }));
  } catch {
    // Not fatal: the next start decides again.
  }
}

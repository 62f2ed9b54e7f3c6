import { createLogger } from './log.js';

const NAME_KEY = 'backdrop.displayName';
const log = createLogger('lobby');

/** The display name used last time in this browser, or ''. */
export function storedName(): string {
  try {
    return localStorage.getItem(NAME_KEY) ?? '';
  } catch {
    return '';
  }
}

/** Remembers the display name for next time ('' forgets it). */
export function rememberName(name: string): void {
  try {
    localStorage.setItem(NAME_KEY, name);
  } catch (error) {
    // Private mode or storage disabled: the name is simply asked again next time.
    log.debug('display name not remembered', { error });
  }
}

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CHROMIUM_ARGS,
  DISABLED_FEATURES,
  launchChromium,
  PLAYWRIGHT_DISABLED_FEATURES,
} from './chromium.js';

/** The feature names of the `disabledFeatures = [ ... ]` list in the installed playwright-core's bundle. */
function installedPlaywrightList(): string[] {
  const root = dirname(createRequire(import.meta.url).resolve('playwright-core/package.json'));
  const bundle = readFileSync(join(root, 'lib/coreBundle.js'), 'utf8');
  const list = /disabledFeatures = \[([^\]]*)\]/.exec(bundle);
  if (!list)
    throw new Error('no `disabledFeatures = [` in playwright-core/lib/coreBundle.js: read its list again');
  return [...list[1]!.matchAll(/^\s*"([A-Za-z0-9]+)"/gm)].map((m) => m[1]!);
}

describe('the test browsers feature switch', () => {
  it('carries the installed Playwright list, which our single --disable-features would otherwise replace', () => {
    const installed = installedPlaywrightList();
    expect(installed.length).toBeGreaterThan(5);
    expect([...PLAYWRIGHT_DISABLED_FEATURES].sort()).toEqual([...installed].sort());
  });

  it('is one --disable-features switch with every feature', () => {
    const switches = CHROMIUM_ARGS.filter((a) => a.startsWith('--disable-features='));
    expect(switches).toHaveLength(1);
    expect(switches[0]!.slice('--disable-features='.length).split(',')).toEqual([...DISABLED_FEATURES]);
    expect(CHROMIUM_ARGS.some((a) => a.startsWith('--enable-features='))).toBe(false);
  });

  it('refuses a second feature switch from a caller', async () => {
    await expect(launchChromium({ extraArgs: ['--disable-features=Foo'] })).rejects.toThrow(
      /DISABLED_FEATURES/,
    );
  });
});

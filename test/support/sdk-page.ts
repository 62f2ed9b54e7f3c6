import { join } from 'node:path';
import { build } from 'esbuild';
import type { Page } from 'playwright-core';
import { ROOT } from './server.js';

let bundle: Promise<string> | undefined;

/** The client SDK as one script defining `globalThis.BackdropSdk` (built once per test run, in memory). */
export function sdkBundle(): Promise<string> {
  bundle ??= build({
    entryPoints: [join(ROOT, 'packages/client/src/index.ts')],
    bundle: true,
    format: 'iife',
    globalName: 'BackdropSdk',
    write: false,
    target: 'chrome120',
  }).then((result) => `(() => { ${result.outputFiles[0]!.text}; globalThis.BackdropSdk = BackdropSdk; })()`);
  return bundle;
}

/**
 * Loads the SDK into `page` (opened on the server's origin, a secure context) so a test drives a Room
 * directly: `window.BackdropSdk.Room`. Evaluated through DevTools, so the app's CSP does not apply.
 */
export async function loadSdk(page: Page): Promise<void> {
  await page.evaluate(await sdkBundle());
}

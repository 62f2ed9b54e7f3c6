import { existsSync } from 'node:fs';
import { cp, mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');

/**
 * Builds the web app into packages/app/dist: public/ copied as is, src/main.ts bundled to assets/app.js,
 * plus the effects library's worker and model/wasm assets (see packages/effects/assets.mjs).
 */
export async function buildApp() {
  await rm(dist, { recursive: true, force: true });
  await mkdir(join(dist, 'assets'), { recursive: true });
  await cp(join(here, 'public'), dist, { recursive: true });

  const entryPoints = { app: join(here, 'src/main.ts') };
  const effectsAssetsModule = join(here, '../effects/assets.mjs');
  let effectsAssets = [];
  if (existsSync(effectsAssetsModule)) {
    const effects = await import(effectsAssetsModule);
    Object.assign(entryPoints, effects.effectsEntryPoints?.() ?? {});
    effectsAssets = effects.effectsAssets?.() ?? [];
  }
  await esbuild.build({
    entryPoints,
    outdir: join(dist, 'assets'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['chrome110', 'firefox115', 'safari17'],
    sourcemap: true,
    minify: true,
    logLevel: 'warning',
  });
  for (const asset of effectsAssets) {
    await mkdir(dirname(join(dist, 'assets', asset.to)), { recursive: true });
    await cp(asset.from, join(dist, 'assets', asset.to), { recursive: true });
  }
}

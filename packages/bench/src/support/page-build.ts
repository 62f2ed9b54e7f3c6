import { cp, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as esbuild from 'esbuild';
// @ts-expect-error: a plain .mjs build helper without types
import { effectsAssets } from '../../../effects/assets.mjs';

/** Bundles a benchmark page (entry .ts) into a temp folder with an index.html and the effects' model/wasm assets. */
export async function buildBenchPage(entry: string): Promise<{ dir: string; assetsDir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'backdrop-bench-page-'));
  await esbuild.build({
    entryPoints: { page: entry },
    outdir: dir,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'chrome110',
    sourcemap: true,
    logLevel: 'warning',
  });
  await writeFile(
    join(dir, 'index.html'),
    '<!doctype html><html><head><meta charset="utf-8"><title>bench</title></head><body><script type="module" src="/page.js"></script></body></html>',
  );
  const assetsDir = join(dir, 'assets');
  for (const asset of effectsAssets() as { from: string; to: string }[]) {
    await mkdir(dirname(join(assetsDir, asset.to)), { recursive: true });
    await cp(asset.from, join(assetsDir, asset.to));
  }
  return { dir, assetsDir };
}

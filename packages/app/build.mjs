import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { compressAssets } from './compress.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');
const assets = join(dist, 'assets');

const ESBUILD_OPTIONS = {
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['chrome110', 'firefox115', 'safari17'],
  sourcemap: true,
  minify: true,
  logLevel: 'warning',
  metafile: true,
  absWorkingDir: here,
  outdir: assets,
  // Every name under /assets/ carries a hash of its content, so the server can let browsers keep it a year.
  entryNames: '[name]-[hash]',
  chunkNames: 'chunks/[name]-[hash]',
  assetNames: '[name]-[hash]',
};

/** 8 characters of base32 (A-Z, 2-7), like esbuild's own `[hash]`: what the server's isHashedAsset expects. */
function contentHash(...parts) {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  const digest = hash.digest();
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let out = '';
  for (let i = 0; i < 8; i++) out += alphabet[digest[i] % 32];
  return out;
}

/** The URL path of the output esbuild wrote for entry point `name`. */
function outputFor(metafile, name) {
  for (const [file, output] of Object.entries(metafile.outputs)) {
    if (output.entryPoint && basename(file).startsWith(`${name}-`) && file.endsWith('.js'))
      return `/${relative(dist, join(here, file)).split('\\').join('/')}`;
  }
  throw new Error(`app build: esbuild wrote no output for ${name}`);
}

/** Replaces each fixed reference in dist/index.html by its hashed name; a reference that is missing fails the build. */
async function rewriteIndex(replacements) {
  const path = join(dist, 'index.html');
  let html = await readFile(path, 'utf8');
  for (const [from, to] of Object.entries(replacements)) {
    const quoted = `"${from}"`;
    if (!html.includes(quoted)) throw new Error(`app build: index.html does not reference ${from}`);
    html = html.split(quoted).join(`"${to}"`);
  }
  await writeFile(path, html);
}

/**
 * Copies the effects library's model, wasm runtime and licences into one folder named by a hash of them all
 * (/assets/effects-<hash>/): the library finds its files by that base URL, which the app passes in.
 */
async function copyEffectsAssets(effectsAssets) {
  if (effectsAssets.length === 0) return undefined;
  const contents = await Promise.all(effectsAssets.map((asset) => readFile(asset.from)));
  const folder = `effects-${contentHash(...effectsAssets.flatMap((a, i) => [a.to, contents[i]]))}`;
  for (const [i, asset] of effectsAssets.entries()) {
    // The effects contract names files under effects/; they move into the hashed folder as they are.
    const target = join(assets, folder, asset.to.replace(/^effects\//, ''));
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, contents[i]);
  }
  return `/assets/${folder}/`;
}

/**
 * Builds the web app into packages/app/dist: public/ copied as is (index.html rewritten to the hashed names),
 * app.css and src/main.tsx to /assets/app-<hash>.{css,js}, the effects worker to /assets/effects-worker-<hash>.js
 * and the effects library's model/wasm assets to /assets/effects-<hash>/ (see packages/effects/assets.mjs).
 * Files left in public/ (index.html, backgrounds/) keep their names; the server has browsers revalidate them.
 */
export async function buildApp() {
  await rm(dist, { recursive: true, force: true });
  await mkdir(assets, { recursive: true });
  await cp(join(here, 'public'), dist, { recursive: true });

  const effectsAssetsModule = join(here, '../effects/assets.mjs');
  let effectsEntryPoints = {};
  let effectsAssets = [];
  if (existsSync(effectsAssetsModule)) {
    const effects = await import(effectsAssetsModule);
    effectsEntryPoints = effects.effectsEntryPoints?.() ?? {};
    effectsAssets = effects.effectsAssets?.() ?? [];
  }
  const effectsBase = await copyEffectsAssets(effectsAssets);
  let effectsWorker;
  if (effectsEntryPoints['effects-worker']) {
    const worker = await esbuild.build({ ...ESBUILD_OPTIONS, entryPoints: effectsEntryPoints });
    effectsWorker = outputFor(worker.metafile, 'effects-worker');
  }

  const css = await readFile(join(dist, 'app.css'));
  const cssName = `/assets/app-${contentHash(css)}.css`;
  await writeFile(join(dist, cssName), css);
  await rm(join(dist, 'app.css'));

  const app = await esbuild.build({
    ...ESBUILD_OPTIONS,
    // early: the room page's first request for the camera, made while the app's bundle still loads
    // (src/early-media.ts); a few KB, loaded `async` ahead of app.js.
    entryPoints: { app: join(here, 'src/main.tsx'), early: join(here, 'src/early.ts') },
    define: {
      // Where the effects library finds its worker and files (see src/media.ts); unset outside this build.
      __BACKDROP_EFFECTS_BASE__: JSON.stringify(effectsBase ?? '/assets/effects/'),
      __BACKDROP_EFFECTS_WORKER__: JSON.stringify(effectsWorker ?? '/assets/effects-worker.js'),
    },
  });
  await rewriteIndex({
    '/assets/early.js': outputFor(app.metafile, 'early'),
    '/assets/app.js': outputFor(app.metafile, 'app'),
    '/app.css': cssName,
  });
  // Last, so index.html is compressed as rewritten. Compressed bytes are cached by content under .cache/.
  await compressAssets(dist, join(here, '.cache/compressed'));
}

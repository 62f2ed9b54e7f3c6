import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compressAssets } from '../compress.mjs';

describe('compressAssets (the app build)', () => {
  let root: string;
  let dist: string;
  let cache: string;
  const js = Buffer.from('export const mode = { kind: "blur", strength: 0.6 };\n'.repeat(300));

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'backdrop-compress-'));
    dist = join(root, 'dist');
    cache = join(root, 'cache');
    await mkdir(join(dist, 'assets/effects-ABCDEFGH'), { recursive: true });
    await writeFile(join(dist, 'assets/app-ABCDEFGH.js'), js);
    await writeFile(join(dist, 'assets/app-ABCDEFGH.js.map'), js);
    await writeFile(join(dist, 'assets/effects-ABCDEFGH/model.tflite'), js);
    await writeFile(join(dist, 'assets/effects-ABCDEFGH/noise.wasm'), randomBytes(64 * 1024));
    await writeFile(join(dist, 'index.html'), '<!doctype html><title>Backdrop</title>');
    await writeFile(join(dist, 'picture.jpg'), js);
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const listed = async (dir: string): Promise<string[]> =>
    (await readdir(dir, { recursive: true, withFileTypes: true }))
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
      .sort();

  it('writes a brotli and a gzip copy beside each compressible file, decompressing to the same bytes', async () => {
    const written = await compressAssets(dist, cache);
    expect(written.map((w) => w.path.slice(dist.length + 1)).sort()).toEqual([
      'assets/app-ABCDEFGH.js.br',
      'assets/app-ABCDEFGH.js.gz',
      'assets/effects-ABCDEFGH/model.tflite.br',
      'assets/effects-ABCDEFGH/model.tflite.gz',
    ]);
    const br = await readFile(join(dist, 'assets/app-ABCDEFGH.js.br'));
    expect(brotliDecompressSync(br).equals(js)).toBe(true);
    expect(br.length).toBeLessThan(js.length / 10);
    const gz = await readFile(join(dist, 'assets/effects-ABCDEFGH/model.tflite.gz'));
    expect(gunzipSync(gz).equals(js)).toBe(true);
    // Not: source maps, images, files under 1 KB (index.html here), bytes that do not compress (noise.wasm).
    const files = await listed(dist);
    expect(files.filter((f) => /\.(br|gz)$/.test(f))).toHaveLength(4);
  });

  it('reuses the compressed bytes it cached by content, so unchanged files are compressed once', async () => {
    await compressAssets(dist, cache);
    const entries = await listed(cache);
    // One content (the js and the model are the same bytes) x two codings; the noise is cached too, unused.
    expect(entries.filter((e) => e.endsWith('.br'))).toHaveLength(2);
    const jsEntry = entries.find(
      (e) => e.endsWith('.br') && brotliDecompressSync(readFileSync(join(cache, e))).equals(js),
    );
    expect(jsEntry).toBeDefined();
    // A cache entry is what the next build copies (here a recognisably different, still valid, brotli stream).
    const marker = brotliCompressSync(js, {});
    await writeFile(join(cache, jsEntry!), marker);
    await rm(join(dist, 'assets/app-ABCDEFGH.js.br'));
    await compressAssets(dist, cache);
    expect((await readFile(join(dist, 'assets/app-ABCDEFGH.js.br'))).equals(marker)).toBe(true);
  });
});

import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** What is worth compressing: text and wasm (and the models, ~20 % smaller). Not images, not source maps. */
export const COMPRESSIBLE = new Set([
  '.html',
  '.js',
  '.mjs',
  '.css',
  '.json',
  '.svg',
  '.txt',
  '.md',
  '.wasm',
  '.tflite',
]);

/** Below this a file is sent as it is: the headers would outweigh what compression saves. */
export const MIN_BYTES = 1024;

/** A compressed copy is kept only if it is at most this fraction of the original. */
export const MAX_RATIO = 0.95;

/**
 * Brotli's best (quality 11) costs ~1.6 s per MB here; past this size quality 9 (~8x faster, ~12 % larger),
 * for files only `runtime: 'mediapipe'` fetches (its 11 MB wasm).
 */
const BEST_BROTLI_UP_TO = 4 * 1024 * 1024;

/** The two codings browsers take: brotli (over HTTPS) and gzip (every browser, plain HTTP too). */
export const CODINGS = [
  { coding: 'br', suffix: '.br' },
  { coding: 'gzip', suffix: '.gz' },
];

function compress(coding, bytes) {
  if (coding === 'gzip') return gzipAsync(bytes, { level: 9 });
  return brotli(bytes, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: bytes.length <= BEST_BROTLI_UP_TO ? 11 : 9,
      [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
    },
  });
}

async function filesUnder(dir) {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

/** The cache entry's bytes, else `bytes` compressed and written there. */
async function cachedOrCompressed(entry, coding, bytes) {
  const cached = await readFile(entry).catch(() => undefined);
  if (cached) return cached;
  const packed = await compress(coding, bytes);
  // Written aside and renamed, so a build stopped half-way (or a build beside it) never reads a partial entry.
  const partial = `${entry}.${process.pid}-${randomBytes(4).toString('hex')}.partial`;
  await writeFile(partial, packed);
  await rename(partial, entry);
  return packed;
}

/**
 * Writes `<file>.br` and `<file>.gz` beside every compressible file under `dir` (the server sends one of them to a
 * browser that accepts it, see packages/server/src/http/static.ts), where it saves at least 5 %. Compressed bytes
 * are kept in `cacheDir` by the content's hash, so files that did not change (the effects' wasm and models, from
 * pinned npm packages) are compressed once per machine. Returns what it wrote, for the build's log.
 */
export async function compressAssets(dir, cacheDir) {
  await mkdir(cacheDir, { recursive: true });
  const files = (await filesUnder(dir)).filter((path) => COMPRESSIBLE.has(extname(path).toLowerCase()));
  const written = [];
  // One compression per content and coding, even for two files with the same bytes in this run.
  const pending = new Map();
  const packedFor = (hash, coding, suffix, bytes) => {
    const key = `${hash}${suffix}`;
    if (!pending.has(key)) pending.set(key, cachedOrCompressed(join(cacheDir, key), coding, bytes));
    return pending.get(key);
  };
  await Promise.all(
    files.map(async (path) => {
      const bytes = await readFile(path);
      if (bytes.length < MIN_BYTES) return;
      const hash = createHash('sha256').update(bytes).digest('hex');
      for (const { coding, suffix } of CODINGS) {
        const packed = await packedFor(hash, coding, suffix, bytes);
        if (packed.length > bytes.length * MAX_RATIO) continue;
        await writeFile(`${path}${suffix}`, packed);
        written.push({ path: `${path}${suffix}`, from: bytes.length, to: packed.length });
      }
    }),
  );
  return written;
}

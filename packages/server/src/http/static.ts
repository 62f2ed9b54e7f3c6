import { type FileHandle, open, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { CODINGS, type ContentCoding, chooseCoding } from './content-coding.js';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
  '.tflite': 'application/octet-stream',
  '.bin': 'application/octet-stream',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
  '.y4m': 'application/octet-stream',
};

/**
 * How long a browser may keep a file. `immutable`: the name carries a hash of the content (the app build makes
 * every name under /assets/ so), so it is kept a year without asking. `revalidate`: HTML and other fixed
 * names; the browser asks each time and gets a 304 while the file is unchanged.
 */
export type CachePolicy = 'immutable' | 'revalidate';

const CACHE_CONTROL: Record<CachePolicy, string> = {
  immutable: 'public, max-age=31536000, immutable',
  revalidate: 'no-cache',
};

/**
 * A file under /assets/ whose name the build hashed: a name ending `-<hash>.<ext>`, or anything inside an
 * `<name>-<hash>/` folder. esbuild's hashes are 8 characters of base32; ours are the same length.
 */
export function isHashedAsset(urlPath: string): boolean {
  if (!urlPath.startsWith('/assets/')) return false;
  return urlPath
    .slice('/assets/'.length)
    .split('/')
    .some((segment, i, all) =>
      i === all.length - 1 ? /-[A-Z0-9]{8}\.[a-z0-9.]+$/.test(segment) : /-[A-Z0-9]{8}$/.test(segment),
    );
}

/** Resolves a URL path inside `root`, or undefined if it would escape it. */
export function resolveInside(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const full = normalize(join(root, decoded));
  return full === root || full.startsWith(root.endsWith(sep) ? root : root + sep) ? full : undefined;
}

/** True if the browser's copy (If-None-Match, else If-Modified-Since) is the file we have. */
function isFresh(req: IncomingMessage, etag: string, mtime: Date): boolean {
  const ifNoneMatch = req.headers['if-none-match'];
  if (ifNoneMatch !== undefined)
    return ifNoneMatch.split(',').some((tag) => tag.trim() === etag || tag.trim() === '*');
  const ifModifiedSince = Date.parse(req.headers['if-modified-since'] ?? '');
  return Number.isFinite(ifModifiedSince) && Math.floor(mtime.getTime() / 1000) * 1000 <= ifModifiedSince;
}

/** Opens `path` if it is a regular file; undefined (and nothing left open) otherwise. */
async function openFile(
  path: string,
): Promise<{ handle: FileHandle; size: number; mtime: Date } | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const info = await handle.stat();
    if (info.isFile()) return { handle, size: info.size, mtime: info.mtime };
  } catch {
    // fall through: closed below
  }
  await handle.close();
  return undefined;
}

/** Which compressed copies the build wrote beside `path` (`.br`, `.gz`), best first. */
async function compressedCopies(path: string): Promise<ContentCoding[]> {
  const found = await Promise.all(
    CODINGS.map(async ({ coding, suffix }) =>
      (await stat(path + suffix).catch(() => undefined))?.isFile() ? coding : undefined,
    ),
  );
  return found.filter((c): c is ContentCoding => c !== undefined);
}

/**
 * Sends a file if it exists, and returns false (nothing written) if it does not. Where the app build wrote a
 * compressed copy the browser accepts (brotli over HTTPS, gzip over plain HTTP in Chromium), that copy is sent
 * with Content-Encoding, its own ETag and `Vary: Accept-Encoding`. The body is streamed with `pipeline`, so a
 * client that goes away mid-download destroys the stream and its file descriptor is closed; the returned
 * promise then rejects with the abort (ERR_STREAM_PREMATURE_CLOSE). HEAD and 304 never open a stream.
 */
export async function sendFile(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  cache: CachePolicy,
): Promise<boolean> {
  const original = await openFile(path);
  if (!original) return false;
  let copies: ContentCoding[];
  let wanted: ContentCoding | null;
  let compressed: Awaited<ReturnType<typeof openFile>>;
  try {
    copies = await compressedCopies(path);
    wanted = chooseCoding(req.headers['accept-encoding'], copies);
    const suffix = CODINGS.find((c) => c.coding === wanted)?.suffix;
    // The copy may be gone since (a rebuild): the file itself then.
    compressed = suffix ? await openFile(path + suffix) : undefined;
  } catch (error) {
    // Nothing here is expected to throw; if it does, the file opened above is not left open.
    await original.handle.close();
    throw error;
  }
  if (compressed) await original.handle.close();
  const file = compressed ?? original;
  const coding = compressed ? wanted : null;
  let streaming = false;
  try {
    const { size, mtime } = file;
    const etag = `"${size.toString(36)}-${Math.floor(mtime.getTime()).toString(36)}${coding ? `-${coding}` : ''}"`;
    const headers: Record<string, string> = {
      'Cache-Control': CACHE_CONTROL[cache],
      ETag: etag,
      'Last-Modified': mtime.toUTCString(),
      ...(copies.length > 0 ? { Vary: 'Accept-Encoding' } : {}),
    };
    if (isFresh(req, etag, mtime)) {
      res.writeHead(304, headers).end();
      return true;
    }
    res.writeHead(200, {
      ...headers,
      'Content-Type': CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream',
      'Content-Length': size,
      ...(coding ? { 'Content-Encoding': coding } : {}),
    });
    if (req.method === 'HEAD') {
      res.end();
      return true;
    }
    streaming = true;
    // The stream owns the handle from here: it closes it at the end, on error and on destroy.
    await pipeline(file.handle.createReadStream({ autoClose: true }), res);
    return true;
  } finally {
    if (!streaming) await file.handle.close();
  }
}

import { type FileHandle, open } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';

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

/**
 * Sends a file if it exists, and returns false (nothing written) if it does not. The body is streamed with
 * `pipeline`, so a client that goes away mid-download destroys the stream and its file descriptor is closed;
 * the returned promise then rejects with the abort (ERR_STREAM_PREMATURE_CLOSE). HEAD and 304 never open a
 * stream.
 */
export async function sendFile(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  cache: CachePolicy,
): Promise<boolean> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(path, 'r');
  } catch {
    return false;
  }
  let streaming = false;
  try {
    const info = await handle.stat();
    if (!info.isFile()) return false;
    const etag = `"${info.size.toString(36)}-${Math.floor(info.mtimeMs).toString(36)}"`;
    const headers = {
      'Cache-Control': CACHE_CONTROL[cache],
      ETag: etag,
      'Last-Modified': info.mtime.toUTCString(),
    };
    if (isFresh(req, etag, info.mtime)) {
      res.writeHead(304, headers).end();
      return true;
    }
    res.writeHead(200, {
      ...headers,
      'Content-Type': CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream',
      'Content-Length': info.size,
    });
    if (req.method === 'HEAD') {
      res.end();
      return true;
    }
    streaming = true;
    // The stream owns the handle from here: it closes it at the end, on error and on destroy.
    await pipeline(handle.createReadStream({ autoClose: true }), res);
    return true;
  } finally {
    if (!streaming) await handle.close();
  }
}

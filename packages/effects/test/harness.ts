import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join } from 'node:path';
import { promisify } from 'node:util';
import * as esbuild from 'esbuild';
import type { Page } from 'playwright-core';
// @ts-expect-error: plain ESM build helper without types
import { effectsAssets, effectsEntryPoints } from '../assets.mjs';

const run = promisify(execFile);
export const EFFECTS_DIR = join(import.meta.dirname, '..');
export const CACHE_DIR = join(EFFECTS_DIR, '.cache');
export const ASTRONAUT = join(EFFECTS_DIR, 'test/fixtures/astronaut.png');

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.tflite': 'application/octet-stream',
  '.txt': 'text/plain',
  '.md': 'text/plain',
};

/** A 640x480 y4m fake camera made from the astronaut portrait (cropped, not padded: no flat bars). */
export async function makeFakeCamera(width = 640, height = 480): Promise<string> {
  await mkdir(CACHE_DIR, { recursive: true });
  const out = join(CACHE_DIR, `astronaut-${width}x${height}.y4m`);
  if (!existsSync(out)) {
    await run('ffmpeg', [
      '-loglevel',
      'error',
      '-y',
      '-loop',
      '1',
      '-i',
      ASTRONAUT,
      '-vf',
      `scale=${width}:${width},crop=${width}:${height}:0:0`,
      '-t',
      '1',
      '-r',
      '30',
      '-pix_fmt',
      'yuv420p',
      out,
    ]);
  }
  return out;
}

export interface PageServer {
  url: string;
  /** The paths asked for, in order. */
  requests: string[];
  close(): Promise<void>;
}

/**
 * Serves the test page, the effects worker and assets with COOP/COEP on 127.0.0.1. Extra routes: a missing
 * model (404), a corrupt one (random bytes), one with a valid header but a broken body, and the fixtures.
 */
export async function startPageServer(
  extraFiles: Map<string, Uint8Array> = new Map(),
  options: { cacheAssets?: boolean } = {},
): Promise<PageServer> {
  const bundle = await esbuild.build({
    entryPoints: { page: join(EFFECTS_DIR, 'test/page.ts'), ...effectsEntryPoints() },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['chrome110', 'firefox115'],
    write: false,
    outdir: '/assets',
    logLevel: 'warning',
  });
  const files = new Map<string, Uint8Array>();
  for (const f of bundle.outputFiles) files.set(f.path, f.contents);
  for (const a of effectsAssets() as Array<{ from: string; to: string }>)
    files.set(`/assets/${a.to}`, await readFile(a.from));
  files.set('/fixtures/astronaut.png', await readFile(ASTRONAUT));
  files.set(
    '/',
    new TextEncoder().encode(
      '<!doctype html><html><body><script type="module" src="/assets/page.js"></script></body></html>',
    ),
  );
  const random = new Uint8Array(300_000).map((_, i) => (i * 2654435761) >>> 24);
  files.set('/broken/corrupt.tflite', random);
  const headed = random.slice();
  headed.set(new TextEncoder().encode('\0\0\0\0TFL3'), 0);
  files.set('/broken/headed.tflite', headed);
  files.set('/fixtures/not-an-image.png', new TextEncoder().encode('this is not a png'));
  for (const [path, body] of extraFiles) files.set(path, body);

  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests.push(path);
    const body = files.get(path);
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    // cacheAssets: what the app server does for its hashed /assets/ names (kept a year, never revalidated).
    res.setHeader(
      'Cache-Control',
      options.cacheAssets && path.startsWith('/assets/effects/')
        ? 'public, max-age=31536000, immutable'
        : 'no-store',
    );
    if (!body) {
      res.writeHead(404).end('not found');
      return;
    }
    res.setHeader(
      'Content-Type',
      TYPES[extname(path)] ?? (path === '/' ? 'text/html' : 'application/octet-stream'),
    );
    res.setHeader('Content-Length', body.length);
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Opens the test page in `page`, runs `body` with it, and always stops the page's effect and closes the page. */
export async function withTestPage(
  page: Page,
  url: string,
  body: (page: Page) => Promise<void>,
): Promise<void> {
  try {
    await page.goto(url);
    await page.waitForFunction(() => 'fx' in globalThis);
    await body(page);
  } finally {
    await page.evaluate('globalThis.fx.stop()').catch(() => undefined);
    await page.close();
  }
}

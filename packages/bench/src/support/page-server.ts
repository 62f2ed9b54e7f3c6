import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, resolve, sep } from 'node:path';
import * as esbuild from 'esbuild';
// @ts-expect-error: plain ESM build helper without types
import { effectsAssets, effectsEntryPoints } from '../../../effects/assets.mjs';

const here = import.meta.dirname;

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.tflite': 'application/octet-stream',
  '.txt': 'text/plain',
  '.md': 'text/plain',
};

/** The installed package's folder, looked up like Node does (some packages do not export package.json). */
export function packageDir(name: string, from = here): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) throw new Error(`${name} is not installed (looked up from ${from})`);
  }
}

/** LiveKit's local model and wasm: the MediaPipe Tasks build livekit pins, and the selfie model from npm. */
export function livekitAssets(): Array<{ from: string; to: string }> {
  const livekit = packageDir('@livekit/track-processors');
  const tasks = join(packageDir('@mediapipe/tasks-vision', livekit), 'wasm');
  const out = [
    {
      from: join(packageDir('@twilio/video-processors'), 'dist/build/selfie_segmentation_landscape.tflite'),
      to: 'livekit/selfie_segmentation_landscape.tflite',
    },
  ];
  for (const name of ['vision_wasm_internal', 'vision_wasm_nosimd_internal'])
    for (const ext of ['js', 'wasm'])
      out.push({ from: join(tasks, `${name}.${ext}`), to: `livekit/wasm/${name}.${ext}` });
  return out;
}

export interface PageServerOptions {
  /** The page's TypeScript entry, bundled to /assets/page.js and loaded by `/`. */
  entry: string;
  /** A folder served read-only under /data/ (the dataset). */
  dataDir?: string;
}

export interface PageServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves the bundled benchmark page, the effects worker and assets (/assets/effects/), LiveKit's local assets
 * (/livekit/) and optionally a dataset (/data/), with COOP/COEP, on 127.0.0.1 only.
 */
export async function startPageServer(options: PageServerOptions): Promise<PageServer> {
  const bundle = await esbuild.build({
    entryPoints: { page: options.entry, ...effectsEntryPoints() },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['chrome110'],
    write: false,
    outdir: '/assets',
    logLevel: 'warning',
  });
  const files = new Map<string, Uint8Array>();
  for (const f of bundle.outputFiles) files.set(f.path, f.contents);
  const assets = [
    ...(effectsAssets() as Array<{ from: string; to: string }>).map((a) => ({ ...a, to: `assets/${a.to}` })),
    ...livekitAssets(),
  ];
  for (const a of assets) files.set(`/${a.to}`, await readFile(a.from));
  files.set(
    '/',
    new TextEncoder().encode(
      '<!doctype html><html><body><script type="module" src="/assets/page.js"></script></body></html>',
    ),
  );
  const dataRoot = options.dataDir ? resolve(options.dataDir) : undefined;

  const lookup = async (path: string): Promise<Uint8Array | undefined> => {
    const body = files.get(path);
    if (body || !dataRoot || !path.startsWith('/data/')) return body;
    const file = resolve(dataRoot, decodeURIComponent(path.slice('/data/'.length)));
    if (!file.startsWith(dataRoot + sep)) return undefined;
    if (!(await stat(file).catch(() => null))?.isFile()) return undefined;
    return readFile(file);
  };

  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    res.setHeader('Cache-Control', 'no-store');
    lookup(path).then(
      (body) => {
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
      },
      (error: unknown) => res.writeHead(500).end(String(error)),
    );
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendFile } from './static.js';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A raw GET or HEAD (no automatic decompression), with these request headers. */
function get(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('sendFile and the compressed copies the build writes', () => {
  const text = Buffer.from('const effect = "background blur";\n'.repeat(400));
  let dir: string;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'backdrop-static-'));
    await writeFile(join(dir, 'app.js'), text);
    await writeFile(join(dir, 'app.js.br'), brotliCompressSync(text));
    await writeFile(join(dir, 'app.js.gz'), gzipSync(text));
    await writeFile(join(dir, 'plain.css'), 'body { margin: 0 }');
    await writeFile(join(dir, 'gz-only.wasm'), text);
    await writeFile(join(dir, 'gz-only.wasm.gz'), gzipSync(text));
    // A compressed copy without its file: never served for the file's name.
    await writeFile(join(dir, 'orphan.js.br'), brotliCompressSync(text));
    server = createServer((req, res) => {
      const name = (req.url ?? '/').slice(1);
      sendFile(req, res, join(dir, name), 'immutable').then(
        (sent) => {
          if (!sent) res.writeHead(404).end();
        },
        () => res.destroy(),
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const address = server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });

  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await rm(dir, { recursive: true, force: true });
  });

  it('sends the brotli copy to a browser that accepts it, the gzip copy to one that takes only gzip', async () => {
    const br = await get(`${base}/app.js`, { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.status).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toBe('Accept-Encoding');
    expect(br.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(Number(br.headers['content-length'])).toBe(br.body.length);
    expect(br.body.length).toBeLessThan(text.length / 10);
    expect(brotliDecompressSync(br.body).equals(text)).toBe(true);

    const gz = await get(`${base}/app.js`, { 'accept-encoding': 'gzip, deflate' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).equals(text)).toBe(true);
  });

  it('sends the file as it is otherwise, still saying that the response varies', async () => {
    const plain = await get(`${base}/app.js`);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toBe('Accept-Encoding');
    expect(plain.body.equals(text)).toBe(true);
    const refused = await get(`${base}/app.js`, { 'accept-encoding': 'br;q=0, gzip;q=0' });
    expect(refused.headers['content-encoding']).toBeUndefined();
    expect(refused.body.equals(text)).toBe(true);
    // Only a gzip copy: a brotli-only browser gets the file.
    const onlyBr = await get(`${base}/gz-only.wasm`, { 'accept-encoding': 'br' });
    expect(onlyBr.headers['content-encoding']).toBeUndefined();
    expect(onlyBr.headers['content-type']).toBe('application/wasm');
    // No copies at all: no Vary.
    const css = await get(`${base}/plain.css`, { 'accept-encoding': 'br' });
    expect(css.headers['content-encoding']).toBeUndefined();
    expect(css.headers.vary).toBeUndefined();
  });

  it('gives each form its own ETag: a revalidation is a 304 only for the form the browser has', async () => {
    const br = await get(`${base}/app.js`, { 'accept-encoding': 'br' });
    const plain = await get(`${base}/app.js`);
    const brTag = String(br.headers.etag);
    expect(brTag).not.toBe(String(plain.headers.etag));
    const again = await get(`${base}/app.js`, { 'accept-encoding': 'br', 'if-none-match': brTag });
    expect(again.status).toBe(304);
    expect(again.headers.vary).toBe('Accept-Encoding');
    expect(again.body.length).toBe(0);
    const other = await get(`${base}/app.js`, { 'accept-encoding': 'gzip', 'if-none-match': brTag });
    expect(other.status).toBe(200);
    expect(other.headers['content-encoding']).toBe('gzip');
  });

  it('answers HEAD with the compressed length and no body', async () => {
    const head = await get(`${base}/app.js`, { 'accept-encoding': 'br' }, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers['content-encoding']).toBe('br');
    expect(Number(head.headers['content-length'])).toBe(brotliCompressSync(text).length);
    expect(head.body.length).toBe(0);
  });

  it('never serves a compressed copy for a file that is not there', async () => {
    expect((await get(`${base}/orphan.js`, { 'accept-encoding': 'br' })).status).toBe(404);
  });
});

import { EffectError } from '../errors.js';

export interface Progress {
  asset: string;
  loaded: number;
  /** Bytes expected, or null when the server did not say. */
  total: number | null;
}

/** Fetches a same-origin asset and reports its download progress. */
export async function fetchWithProgress(url: string, onProgress: (p: Progress) => void): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url, { credentials: 'same-origin' });
  } catch (cause) {
    throw new EffectError('model_load_failed', `could not fetch ${url}`, { cause });
  }
  if (!response.ok)
    throw new EffectError('model_load_failed', `fetching ${url} failed: HTTP ${response.status}`);
  const totalHeader = Number(response.headers.get('content-length'));
  const total = Number.isFinite(totalHeader) && totalHeader > 0 ? totalHeader : null;
  const asset = url.slice(url.lastIndexOf('/') + 1);
  if (!response.body) {
    const bytes = new Uint8Array(await response.arrayBuffer());
    onProgress({ asset, loaded: bytes.length, total });
    return bytes;
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.length;
    onProgress({ asset, loaded, total });
  }
  const bytes = new Uint8Array(loaded);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}

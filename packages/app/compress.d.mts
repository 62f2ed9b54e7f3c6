/** What compressAssets wrote: the compressed copy's path and the sizes before and after. */
export interface Written {
  path: string;
  from: number;
  to: number;
}

export const COMPRESSIBLE: ReadonlySet<string>;
export const MIN_BYTES: number;
export const MAX_RATIO: number;
export const CODINGS: ReadonlyArray<{ coding: 'br' | 'gzip'; suffix: '.br' | '.gz' }>;
export function compressAssets(dir: string, cacheDir: string): Promise<Written[]>;

export interface GridLayout {
  columns: number;
  rows: number;
  /** Tile size in px, 16:9, the largest that fits. */
  tileWidth: number;
  tileHeight: number;
  /** Width of a full row (tiles and gaps): the tile area's width, so a short last row can be centred. */
  rowWidth: number;
}

/**
 * Chooses columns and rows for `count` 16:9 tiles in a `width` x `height` area (gap between tiles) so the tiles
 * are as large as possible. Pure.
 */
export function gridLayout(
  count: number,
  width: number,
  height: number,
  gap = 8,
  aspect = 16 / 9,
): GridLayout {
  const n = Math.max(1, count);
  let best = { columns: 1, rows: n, tileWidth: 0, tileHeight: 0 };
  for (let columns = 1; columns <= n; columns++) {
    const rows = Math.ceil(n / columns);
    const maxW = (width - gap * (columns - 1)) / columns;
    const maxH = (height - gap * (rows - 1)) / rows;
    const tileWidth = Math.max(0, Math.min(maxW, maxH * aspect));
    if (tileWidth > best.tileWidth) best = { columns, rows, tileWidth, tileHeight: tileWidth / aspect };
  }
  const tileWidth = Math.floor(best.tileWidth);
  return {
    ...best,
    tileWidth,
    tileHeight: Math.floor(best.tileHeight),
    rowWidth: best.columns * tileWidth + (best.columns - 1) * gap,
  };
}

/** Portrait tiles (3:4) where the area is clearly taller than wide (a phone held upright), else 16:9. Pure. */
export function tileAspect(width: number, height: number): number {
  return height > width * 1.2 ? 3 / 4 : 16 / 9;
}

/** The smallest tile worth showing a face in (CSS px): below it, a tile is a name, not a picture. */
export const MIN_TILE = { width: 160, height: 90 } as const;
/** At most this many tiles, however large the window: a laptop, and a phone (short side under 600 px). */
export const MAX_TILES = { laptop: 9, phone: 4 } as const;
const PHONE_SHORT_SIDE = 600;

/** How many tiles of at least MIN_TILE fit in a `width` x `height` area, capped by MAX_TILES. Pure. */
export function tileCapacity(width: number, height: number, gap = 8): number {
  const cap = Math.min(width, height) < PHONE_SHORT_SIDE ? MAX_TILES.phone : MAX_TILES.laptop;
  const columns = Math.max(1, Math.floor((width + gap) / (MIN_TILE.width + gap)));
  const rows = Math.max(1, Math.floor((height + gap) / (MIN_TILE.height + gap)));
  return Math.min(cap, columns * rows);
}

/**
 * How many of the others get a video tile: all when they fit beside our own tile, else the capacity less our
 * own tile and the "+K" tile of those off screen (at least one). `override` (the link's `tiles=`) wins. Pure.
 */
export function videoSlots(others: number, capacity: number, override?: number): number {
  if (override !== undefined) return Math.max(1, override);
  if (others + 1 <= capacity) return others;
  return Math.max(1, capacity - 2);
}

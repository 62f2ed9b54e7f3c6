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

/**
 * The presenter layout, chosen automatically while someone shares a screen: the share large on a stage, the
 * people in a strip beside it (landscape) or under it (portrait). Pure.
 */

export interface PresenterTile {
  key: string;
  source: 'camera' | 'screen';
}

export interface Box {
  width: number;
  height: number;
}

export interface PresenterLayout {
  /** The share on the stage (the newest share when several). */
  stage: string;
  /** Every other tile (cameras and other shares), in the order given. */
  strip: string[];
  stageBox: Box;
  stripTile: Box;
  /** Where the strip sits. */
  direction: 'right' | 'below';
}

/** The strip's share of the area's long side, and its tiles' aspect. */
export const STRIP_FRACTION = 0.2;
const ASPECT = 16 / 9;

/**
 * Undefined when nobody shares (the ordinary grid applies); otherwise the stage and the strip for a `width` x
 * `height` area with `gap` between tiles. `stageKey` keeps the stage on a share already there (so a second
 * share does not steal it) unless it is gone.
 */
export function presenterLayout(
  tiles: readonly PresenterTile[],
  area: Box,
  gap = 8,
  stageKey?: string,
): PresenterLayout | undefined {
  const shares = tiles.filter((t) => t.source === 'screen');
  if (shares.length === 0) return undefined;
  const stage = shares.find((t) => t.key === stageKey)?.key ?? shares.at(-1)!.key;
  return stageLayout(
    tiles.map((t) => t.key),
    stage,
    area,
    gap,
  );
}

/**
 * One tile (`stage`) large, every other key in a strip beside it (landscape) or under it (portrait), in the
 * order given: the presenter layout's geometry, and the speaker view's. Pure.
 */
export function stageLayout(keys: readonly string[], stage: string, area: Box, gap = 8): PresenterLayout {
  const strip = keys.filter((k) => k !== stage);
  const landscape = area.width >= area.height;
  const n = Math.max(1, strip.length);
  if (landscape) {
    const stripWidth = strip.length === 0 ? 0 : Math.floor(area.width * STRIP_FRACTION);
    const tileHeight = Math.min(stripWidth / ASPECT, (area.height - gap * (n - 1)) / n);
    return {
      stage,
      strip,
      stageBox: { width: Math.max(0, area.width - stripWidth - (stripWidth ? gap : 0)), height: area.height },
      stripTile: { width: Math.floor(tileHeight * ASPECT), height: Math.floor(tileHeight) },
      direction: 'right',
    };
  }
  const stripHeight = strip.length === 0 ? 0 : Math.floor(area.height * STRIP_FRACTION);
  const tileWidth = Math.min(stripHeight * ASPECT, (area.width - gap * (n - 1)) / n);
  return {
    stage,
    strip,
    stageBox: { width: area.width, height: Math.max(0, area.height - stripHeight - (stripHeight ? gap : 0)) },
    stripTile: { width: Math.floor(tileWidth), height: Math.floor(tileWidth / ASPECT) },
    direction: 'below',
  };
}

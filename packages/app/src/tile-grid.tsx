import type { ReadonlySignal } from '@preact/signals';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { gridLayout, tileAspect } from './layout.js';
import type { TileModel } from './participants.js';
import { Tile } from './tile.js';

/** Matches `.grid { padding }` in app.css: the layout is computed for the area inside it. */
const GRID_PADDING = 8;

/** The call's grid: every tile, sized so they all fit (gridLayout), re-laid out when the area changes. */
export function TileGrid({ tiles }: { tiles: ReadonlySignal<readonly TileModel[]> }) {
  const grid = useRef<HTMLElement>(null);
  const [area, setArea] = useState({ width: 0, height: 0 });
  useLayoutEffect(() => {
    const el = grid.current;
    if (!el) return;
    const measure = () =>
      setArea({ width: el.clientWidth || innerWidth, height: el.clientHeight || innerHeight - 80 });
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    measure();
    return () => observer.disconnect();
  }, []);
  const list = tiles.value;
  const { tileWidth, tileHeight, rowWidth } = gridLayout(
    list.length,
    area.width - 2 * GRID_PADDING,
    area.height - 2 * GRID_PADDING,
    GRID_PADDING,
    tileAspect(area.width, area.height),
  );
  return (
    <main class="grid" aria-label="Participants" data-count={list.length} ref={grid}>
      <div class="tiles" style={`width:${rowWidth}px;--tile-w:${tileWidth}px;--tile-h:${tileHeight}px`}>
        {list.map((tile) => (
          <Tile key={tile.key} view={tile.view} />
        ))}
      </div>
    </main>
  );
}

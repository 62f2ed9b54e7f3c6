import type { ReadonlySignal } from '@preact/signals';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { gridLayout, tileAspect } from './layout.js';
import type { TileModel } from './participants.js';
import { PresenterGrid } from './share-ui.js';
import { Tile } from './tile.js';

/** Matches `.grid { padding }` in app.css: the layout is computed for the area inside it. */
const GRID_PADDING = 8;

/**
 * The call's tiles: the presenter layout while someone shares a screen (the share on a stage, people in a strip),
 * else the grid.
 */
export function TileGrid({ tiles }: { tiles: ReadonlySignal<readonly TileModel[]> }) {
  const list = tiles.value;
  const items = list.map((tile) => ({
    key: tile.key,
    source: tile.view.value.source,
    render: () => <Tile key={tile.key} view={tile.view} />,
  }));
  if (items.some((item) => item.source === 'screen')) return <PresenterGrid items={items} />;
  return <PeopleGrid list={list} />;
}

/** Every tile, sized so they all fit (gridLayout), re-laid out when the area changes. */
function PeopleGrid({ list }: { list: readonly TileModel[] }) {
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

import type { ReadonlySignal } from '@preact/signals';
import { useEffect, useRef, useState } from 'preact/hooks';
import { useBoxSize } from './box-size.js';
import { gridLayout, MAX_TILES, tileAspect, tileCapacity, videoSlots } from './layout.js';
import { type LayoutChoice, layoutMode } from './layout-mode.js';
import { OffScreenTile } from './offscreen.js';
import { OnScreenPicker } from './on-screen.js';
import type { TileModel } from './participants.js';
import { presenterLayout, stageLayout } from './presenter-layout.js';
import { type StageItem, StageView, stageContainerStyle } from './share-ui.js';
import { Tile } from './tile.js';

/** Matches `.grid { padding }` in app.css: the layout is computed for the area inside it. */
const GRID_PADDING = 8;
const GAP = 8;
/** The on-screen choice is looked at again this often (a tile's minimum time on screen ends by itself). */
const TICK_MS = 1000;
const OVERFLOW_KEY = 'overflow';

export interface TileGridProps {
  tiles: ReadonlySignal<readonly TileModel[]>;
  choice: LayoutChoice;
  pinned: string | undefined;
  /** The link's `tiles=`: at most this many of the others with video (default: what the window holds). */
  maxVideos?: number | undefined;
}

/**
 * The call's tiles. Only some of the others get a video tile (last-N by speaking order, on-screen.ts, as many
 * as tiles of a useful size fit, the pinned one always); the rest share one "+K" tile that plays their sound
 * and asks for none of their video. Laid out as the grid, the speaker view (the pinned participant or the
 * latest speaker large, the others in a strip) or, while someone shares a screen, the presenter layout.
 * `main[data-layout=grid|speaker|presenter]`.
 */
export function TileGrid(props: TileGridProps) {
  const [ref, box] = useBoxSize<HTMLElement>();
  const picker = useRef(new OnScreenPicker()).current;
  const presenterStage = useRef<string | undefined>(undefined);
  const [, setTick] = useState(0);
  const [anyHidden, setAnyHidden] = useState(false);
  // Only while someone is off screen can time alone change who is on (a minimum time on screen ending).
  useEffect(() => {
    if (!anyHidden) return;
    const timer = setInterval(() => setTick((n) => n + 1), TICK_MS);
    return () => clearInterval(timer);
  }, [anyHidden]);

  const entries = props.tiles.value.map((tile) => ({ tile, view: tile.view.value }));
  const others = entries.filter((e) => !e.view.local && e.view.source === 'camera');
  const area = {
    width: Math.max(0, box.width - 2 * GRID_PADDING),
    height: Math.max(0, box.height - 2 * GRID_PADDING),
  };
  // Before the first measurement, assume a laptop rather than hide everyone for a frame.
  const capacity = area.width > 0 ? tileCapacity(area.width, area.height, GAP) : MAX_TILES.laptop;
  const pick = picker.update({
    ids: others.map((e) => e.view.id),
    speaking: new Set(others.filter((e) => e.view.speaking).map((e) => e.view.id)),
    pinned: props.pinned,
    slots: videoSlots(others.length, capacity, props.maxVideos),
    nowMs: Date.now(),
  });
  const shown = new Set(pick.shown);
  const visible = entries.filter((e) => e.view.local || e.view.source === 'screen' || shown.has(e.view.id));
  const hidden = pick.hidden.flatMap((id) => others.filter((e) => e.view.id === id).map((e) => e.tile.view));
  useEffect(() => setAnyHidden(hidden.length > 0), [hidden.length > 0]);
  const items: (StageItem & { source: string })[] = visible.map(({ tile, view }) => ({
    key: tile.key,
    source: view.source,
    render: () => <Tile key={tile.key} view={tile.view} />,
  }));
  if (hidden.length > 0)
    items.push({ key: OVERFLOW_KEY, source: 'camera', render: () => <OffScreenTile views={hidden} /> });

  const mode = layoutMode({
    choice: props.choice,
    people: others.length + 1,
    sharing: items.some((item) => item.source === 'screen'),
  });
  let staged: ReturnType<typeof stageLayout> | undefined;
  if (mode === 'presenter') {
    staged = presenterLayout(
      items.map((i) => ({ key: i.key, source: i.source === 'screen' ? 'screen' : 'camera' })),
      area,
      GAP,
      presenterStage.current,
    );
    presenterStage.current = staged?.stage;
  } else if (mode === 'speaker') {
    // The pinned one, else the latest speaker on screen, else the first other; alone: ourselves.
    const speaker =
      props.pinned !== undefined && shown.has(props.pinned)
        ? props.pinned
        : pick.order.find((id) => shown.has(id));
    const stageKey =
      visible.find((e) => !e.view.local && e.view.id === speaker && e.view.source === 'camera')?.tile.key ??
      visible[0]?.tile.key;
    if (stageKey !== undefined)
      staged = stageLayout(
        items.map((i) => i.key),
        stageKey,
        area,
        GAP,
      );
  }

  if (staged)
    return (
      <main
        class={`grid staged ${mode === 'presenter' ? 'presenter' : 'speaker'} strip-${staged.direction}`}
        aria-label={mode === 'presenter' ? 'Screen share and participants' : 'Speaker and participants'}
        data-layout={mode}
        data-count={items.length}
        ref={ref}
        style={stageContainerStyle(staged, GAP)}
      >
        <StageView layout={staged} items={items} gap={GAP} />
      </main>
    );
  const grid = gridLayout(items.length, area.width, area.height, GAP, tileAspect(area.width, area.height));
  return (
    <main class="grid" aria-label="Participants" data-layout="grid" data-count={items.length} ref={ref}>
      <div
        class="tiles"
        style={`width:${grid.rowWidth}px;--tile-w:${grid.tileWidth}px;--tile-h:${grid.tileHeight}px`}
      >
        {items.map((item) => item.render())}
      </div>
    </main>
  );
}

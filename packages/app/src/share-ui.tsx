import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { type PresenterTile, presenterLayout } from './presenter-layout.js';

/** One tile for the presenter layout: its key, whether it is a share, and the tile element to render. */
export interface PresenterItem extends PresenterTile {
  render(): ComponentChildren;
}

/**
 * The presenter layout (presenterLayout): the share large on a stage, everyone else in a strip, sized to the
 * element's own box. Renders nothing when no item is a share: the caller shows its ordinary grid then. Props
 * only; the tiles are the caller's components (`data-tile`, `data-source` stay on them).
 */
export function PresenterGrid(props: { items: readonly PresenterItem[]; gap?: number }) {
  const box = useRef<HTMLElement>(null);
  const [area, setArea] = useState({ width: 0, height: 0 });
  const stageKey = useRef<string | undefined>(undefined);
  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    const measure = () => setArea({ width: el.clientWidth, height: el.clientHeight });
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    measure();
    return () => observer.disconnect();
  }, []);
  const gap = props.gap ?? 8;
  const layout = presenterLayout(props.items, area, gap, stageKey.current);
  stageKey.current = layout?.stage;
  if (!layout) return null;
  const byKey = new Map(props.items.map((item) => [item.key, item]));
  const stage = byKey.get(layout.stage);
  return (
    <main
      class={`grid presenter strip-${layout.direction}`}
      aria-label="Screen share and participants"
      data-layout="presenter"
      ref={box}
      style={`display:flex;flex-direction:${layout.direction === 'right' ? 'row' : 'column'};gap:${gap}px`}
    >
      <div class="stage" style={`width:${layout.stageBox.width}px;height:${layout.stageBox.height}px`}>
        {stage?.render()}
      </div>
      <div
        class="strip"
        style={`display:flex;flex-direction:${layout.direction === 'right' ? 'column' : 'row'};gap:${gap}px;--tile-w:${layout.stripTile.width}px;--tile-h:${layout.stripTile.height}px`}
      >
        {layout.strip.map((key) => (
          <div key={key} style={`width:${layout.stripTile.width}px;height:${layout.stripTile.height}px`}>
            {byKey.get(key)?.render()}
          </div>
        ))}
      </div>
    </main>
  );
}

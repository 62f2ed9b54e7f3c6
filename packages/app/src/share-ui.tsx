import type { ComponentChildren } from 'preact';
import type { PresenterLayout } from './presenter-layout.js';

/** One tile for a stage layout: its key and the element to render. */
export interface StageItem {
  key: string;
  render(): ComponentChildren;
}

/**
 * A stage layout's content (presenterLayout for a share, stageLayout for the speaker view): the stage tile
 * large and every other in the strip, at the sizes `layout` gives. The caller's container measures the area
 * and sets the flex direction (`stageContainerStyle`); the tiles are the caller's components (`data-tile`,
 * `data-source` stay on them).
 */
export function StageView(props: { layout: PresenterLayout; items: readonly StageItem[]; gap: number }) {
  const { layout, gap } = props;
  const byKey = new Map(props.items.map((item) => [item.key, item]));
  return (
    <>
      <div class="stage" style={`width:${layout.stageBox.width}px;height:${layout.stageBox.height}px`}>
        {byKey.get(layout.stage)?.render()}
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
    </>
  );
}

/** The container's style for a stage layout: the strip right of the stage (landscape) or under it. */
export function stageContainerStyle(layout: PresenterLayout, gap: number): string {
  return `flex-direction:${layout.direction === 'right' ? 'row' : 'column'};gap:${gap}px`;
}

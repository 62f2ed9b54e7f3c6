import type { ReadonlySignal } from '@preact/signals';
import { useContext, useEffect, useRef } from 'preact/hooks';
import { playAfterLoad } from './after-load.js';
import { LayerContext } from './layer-context.js';
import { createLogger } from './log.js';
import type { ParticipantView } from './participants.js';
import { applySpeaker } from './speaker.js';
import { PinContext } from './stage-context.js';

const log = createLogger('offscreen');

/**
 * The "+K" tile: the others with no video tile now (last-N, on-screen.ts), by name, most recent speaker first.
 * Their sound still plays (an `<audio>` each); their video is asked `off`, so the server does not send it.
 * `figure[data-overflow=K]`, each person `[data-offscreen][data-participant-name]` with `data-speaking`.
 */
export function OffScreenTile({ views }: { views: readonly ReadonlySignal<ParticipantView>[] }) {
  const names = views.map((v) => v.value.name).join(', ');
  return (
    <figure class="tile overflow" data-overflow={views.length} aria-label={`${views.length} more: ${names}`}>
      <span class="overflow-count" aria-hidden="true">
        +{views.length}
      </span>
      <ul class="overflow-names">
        {views.map((view) => (
          <OffScreenPerson key={view.peek().id} view={view} />
        ))}
      </ul>
    </figure>
  );
}

function OffScreenPerson({ view }: { view: ReadonlySignal<ParticipantView> }) {
  const v = view.value;
  const audio = useRef<HTMLAudioElement>(null);
  const layers = useContext(LayerContext);
  const pin = useContext(PinContext);
  const hasVideo = v.tracks.some((t) => t.kind === 'video');
  // Only once the video is received: the server ignores a layer for a feed it is not sending us yet.
  useEffect(
    () => (layers && hasVideo ? layers.hide(v.id, v.source) : undefined),
    [layers, v.id, v.source, hasVideo],
  );
  useEffect(() => {
    const el = audio.current;
    if (!el) return;
    // After the page's load event, as a tile's video (see after-load.ts).
    return playAfterLoad(el, v.stream ?? null, (error) =>
      log.warn('audio did not start playing', { participant: v.id, error }),
    );
  }, [v.stream, v.tracks]);
  useEffect(() => (audio.current ? applySpeaker(audio.current) : undefined), []);
  return (
    <li
      data-offscreen=""
      data-participant-name={v.name}
      data-participant-id={v.id}
      data-speaking={String(v.speaking)}
      data-muted={String(v.muted)}
    >
      <span class="overflow-name">
        {v.hand ? '✋ ' : ''}
        {v.name}
        {v.muted ? ' 🔇' : ''}
      </span>
      {pin && (
        <button
          type="button"
          class="small"
          data-control="pin"
          aria-pressed="false"
          title={`Pin ${v.name}: keep them on screen`}
          onClick={() => pin.toggle(v.id)}
        >
          Pin
        </button>
      )}
      {/* biome-ignore lint/a11y/useMediaCaption: a live call's sound; there is no caption track to give */}
      <audio ref={audio} autoplay data-participant-name={v.name} />
    </li>
  );
}

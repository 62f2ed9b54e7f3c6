import type { ReadonlySignal } from '@preact/signals';
import { useContext, useEffect, useRef } from 'preact/hooks';
import { playAfterLoad } from './after-load.js';
import { peerTileView } from './connection-view.js';
import { LayerContext } from './layer-context.js';
import { createLogger } from './log.js';
import { watchFirstRemoteFrame } from './metrics.js';
import type { ParticipantView } from './participants.js';
import { applySpeaker } from './speaker.js';
import { PinContext } from './stage-context.js';

const log = createLogger('tile');

export interface TileProps {
  view: ReadonlySignal<ParticipantView>;
  /** Caption instead of the name (the lobby preview), which is not a call tile: no `data-tile`. */
  label?: string;
}

/**
 * One tile: video (or the initial when there is none, or the camera is off) and a name label. A call tile is
 * `figure[data-tile]` with `data-participant-name`, `data-muted`, `data-camera-off`, `data-speaking`, `data-hand`
 * and `data-source`; a remote one also `data-participant-id` and `data-connection`, and its `<video>` carries
 * `data-participant-name` / `data-participant-id` for scripts and plays the participant's audio (only our own
 * video is muted). Inside a call, another's camera tile has a pin button (`data-control="pin"`, `data-pinned`).
 * A reconnecting participant keeps the last frame, dimmed, under "Reconnecting…".
 */
export function Tile({ view, label }: TileProps) {
  const v = view.value;
  const video = useRef<HTMLVideoElement>(null);
  const isTile = label === undefined;

  const layers = useContext(LayerContext);
  const pin = useContext(PinContext);
  const pinnable = isTile && pin !== undefined && !v.local && v.source === 'camera';
  const pinned = pinnable && pin.pinned === v.id;
  // A received video asks for the simulcast layer its box needs (off when not on screen).
  useEffect(() => {
    const el = video.current;
    if (v.local || !layers || !el || label !== undefined) return;
    return layers.observe({ participantId: v.id, source: v.source, element: el });
  }, [layers, v.id, v.source, v.local]);

  useEffect(() => {
    const el = video.current;
    if (!el) return;
    // After the page's load event: a stream on a <video> would hold `load` (and so an autojoin) back. The SDK
    // adds tracks from script, which fires no `addtrack`: a change of `tracks` plays again.
    return playAfterLoad(el, v.stream ?? null, (error) =>
      log.warn('video did not start playing', { participant: v.id, error }),
    );
  }, [v.stream, v.tracks]);

  useEffect(() => {
    if (!v.local && video.current) watchFirstRemoteFrame(video.current);
  }, []);

  // Remote sound plays on the chosen speaker (our own video is muted).
  useEffect(() => (v.local || !video.current ? undefined : applySpeaker(video.current)), [v.local]);

  const connection = v.local ? undefined : peerTileView(v.connection);
  const ariaName = v.local ? 'You' : v.name;
  const classes = [
    'tile',
    v.local && 'local',
    !v.tracks.some((t) => t.kind === 'video') && 'no-video',
    v.muted && 'audio-muted',
    v.cameraOff && 'camera-off',
    connection?.dimmed && 'reconnecting',
  ];
  return (
    <figure
      class={classes.filter(Boolean).join(' ')}
      aria-label={connection?.label ? `${ariaName} (${connection.label})` : ariaName}
      data-tile={isTile ? '' : undefined}
      data-participant-name={isTile ? v.name : undefined}
      data-participant-id={v.local ? undefined : v.id}
      data-source={isTile ? v.source : undefined}
      data-muted={isTile ? String(v.muted) : undefined}
      data-camera-off={isTile ? String(v.cameraOff) : undefined}
      data-speaking={isTile ? String(v.speaking) : undefined}
      data-hand={isTile ? String(v.hand) : undefined}
      data-hand-order={isTile && v.handOrder !== undefined ? String(v.handOrder) : undefined}
      data-connection={connection?.connection}
      data-pinned={pinnable ? String(pinned) : undefined}
    >
      <span class="tile-avatar" aria-hidden="true">
        {[...v.name][0]?.toUpperCase() ?? '?'}
      </span>
      <video
        ref={video}
        autoplay
        playsInline
        muted={v.local}
        data-local={v.local ? 'true' : undefined}
        data-participant-name={v.local ? undefined : v.name}
        data-participant-id={v.local ? undefined : v.id}
      />
      <span class="tile-connection" aria-hidden="true" hidden={connection?.label === undefined}>
        {connection?.label ?? ''}
      </span>
      {v.reaction ? (
        <span class="tile-reaction" data-reaction-shown={v.reaction} aria-hidden="true">
          {v.reaction}
        </span>
      ) : null}
      {pinnable ? (
        <button
          type="button"
          class="tile-pin small"
          data-control="pin"
          aria-pressed={pinned}
          title={pinned ? `Unpin ${v.name}` : `Pin ${v.name}: keep them on screen, large in the speaker view`}
          onClick={() => pin.toggle(v.id)}
        >
          {pinned ? 'Unpin' : 'Pin'}
        </button>
      ) : null}
      <figcaption>
        {v.hand ? (
          <span class="tile-hand" title="Hand raised">
            ✋{v.handOrder !== undefined ? ` ${v.handOrder}` : ''}
          </span>
        ) : null}
        {isTile && v.muted ? (
          <span class="tile-muted" title="Microphone off">
            🔇
          </span>
        ) : null}
        <span class="tile-name">{label ?? (v.local ? `${v.name} (you)` : v.name)}</span>
      </figcaption>
    </figure>
  );
}

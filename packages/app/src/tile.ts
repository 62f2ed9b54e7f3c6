import type { ParticipantConnection } from '@backdrop/client';
import { peerTileView } from './connection-view.js';
import { h } from './dom.js';
import { createLogger } from './log.js';

const log = createLogger('tile');

export interface Tile {
  element: HTMLElement;
  video: HTMLVideoElement;
  setStream(stream: MediaStream): void;
  /** Shows the "muted" mark next to the name. */
  setMuted(audioMuted: boolean): void;
  /** Shows the initial instead of the picture (our own camera turned off). */
  setCameraOff(off: boolean): void;
  /**
   * The participant's link: `reconnecting` keeps the last frame, dimmed, under a "Reconnecting…" label, and
   * sets `data-connection` on the tile element.
   */
  setConnection(state: ParticipantConnection): void;
}

/**
 * One participant's tile: video (or their initial when there is none) and a name label. Remote tiles carry
 * `data-participant-name` and `data-participant-id` on the `<video>` for scripts; their audio plays through the
 * same element, so only our own (local) video is muted.
 */
export function createTile(options: {
  name: string;
  participantId?: string;
  local: boolean;
  /** Caption instead of the name (the lobby preview). */
  label?: string;
}): Tile {
  const video = h('video', { autoplay: true, playsinline: true });
  video.muted = options.local;
  if (options.local) video.dataset.local = 'true';
  else {
    video.dataset.participantName = options.name;
    if (options.participantId) video.dataset.participantId = options.participantId;
  }
  const label = h(
    'span',
    { class: 'tile-name' },
    options.label ?? (options.local ? `${options.name} (you)` : options.name),
  );
  const avatar = h(
    'span',
    { class: 'tile-avatar', 'aria-hidden': 'true' },
    [...options.name][0]?.toUpperCase() ?? '?',
  );
  const ariaLabel = options.local ? 'You' : options.name;
  const connectionLabel = h('span', { class: 'tile-connection', 'aria-hidden': 'true' });
  connectionLabel.hidden = true;
  const element = h(
    'figure',
    { class: `tile${options.local ? ' local' : ''}`, 'aria-label': ariaLabel },
    avatar,
    video,
    connectionLabel,
    h('figcaption', {}, label),
  );
  if (options.participantId) element.dataset.participantId = options.participantId;
  const refresh = (stream: MediaStream) =>
    element.classList.toggle('no-video', stream.getVideoTracks().length === 0);
  return {
    element,
    video,
    setStream(stream) {
      if (video.srcObject !== stream) video.srcObject = stream;
      // The SDK adds tracks from script, which fires no `addtrack`: callers call setStream again on changes.
      refresh(stream);
      video.play().catch((error: unknown) => {
        // Aborted when the stream changes again before playback starts; anything else is worth a line.
        if ((error as Error).name !== 'AbortError')
          log.warn('video did not start playing', { participant: options.participantId, error });
      });
    },
    setMuted(audioMuted) {
      element.classList.toggle('audio-muted', audioMuted);
    },
    setCameraOff(off) {
      element.classList.toggle('camera-off', off);
    },
    setConnection(state) {
      const view = peerTileView(state);
      element.dataset.connection = view.connection;
      element.classList.toggle('reconnecting', view.dimmed);
      connectionLabel.hidden = view.label === undefined;
      connectionLabel.textContent = view.label ?? '';
      // The label is decoration; the tile's name says it to screen readers.
      element.setAttribute('aria-label', view.label ? `${ariaLabel} (${view.label})` : ariaLabel);
    },
  };
}

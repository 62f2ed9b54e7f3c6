import { h } from './dom.js';

export interface Tile {
  element: HTMLElement;
  video: HTMLVideoElement;
  setStream(stream: MediaStream): void;
  setMuted(audioMuted: boolean): void;
}

/** One participant's tile: video (or initial when there is none) and a name label. */
export function createTile(options: { name: string; participantId?: string; local: boolean }): Tile {
  const video = h('video', { autoplay: true, playsinline: true });
  video.muted = options.local;
  if (options.local) video.dataset.local = 'true';
  else {
    video.dataset.participantName = options.name;
    if (options.participantId) video.dataset.participantId = options.participantId;
  }
  const label = h('span', { class: 'tile-name' }, options.local ? `${options.name} (you)` : options.name);
  const avatar = h(
    'span',
    { class: 'tile-avatar', 'aria-hidden': 'true' },
    options.name.slice(0, 1).toUpperCase(),
  );
  const element = h(
    'figure',
    { class: `tile${options.local ? ' local' : ''}` },
    avatar,
    video,
    h('figcaption', {}, label),
  );
  const refresh = (stream: MediaStream) =>
    element.classList.toggle('no-video', stream.getVideoTracks().length === 0);
  return {
    element,
    video,
    setStream(stream) {
      if (video.srcObject !== stream) video.srcObject = stream;
      refresh(stream);
      stream.onaddtrack = () => refresh(stream);
      stream.onremovetrack = () => refresh(stream);
      video.play().catch(() => undefined);
    },
    setMuted(audioMuted) {
      element.classList.toggle('audio-muted', audioMuted);
    },
  };
}

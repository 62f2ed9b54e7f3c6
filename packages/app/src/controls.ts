import type { ConnectionState } from '@backdrop/client';
import { connectionBadge } from './connection.js';
import { h } from './dom.js';

export interface ControlsOptions {
  roomName: string;
  audio: MediaStreamTrack | undefined;
  video: () => MediaStreamTrack | undefined;
  /** Called after the mic or camera was switched, with the new on/off state. */
  onMicChange(on: boolean): void;
  onCameraChange(on: boolean): void;
  onLeave(): void;
  /** Extra buttons (background panel, stats) placed before Leave. */
  extra: HTMLElement[];
}

export interface Controls {
  element: HTMLElement;
  setConnectionState(state: ConnectionState): void;
  setLeaving(): void;
}

/**
 * The call's control bar: room name and connection state, mic and camera toggles (track.enabled, so the SFU
 * keeps the streams and turning back on is instant), panel buttons, Leave.
 */
export function createControls(options: ControlsOptions): Controls {
  const toggle = (
    track: () => MediaStreamTrack | undefined,
    labels: { on: string; off: string },
    onChange: (on: boolean) => void,
  ) => {
    const button = h('button', { type: 'button', class: 'control' });
    const render = () => {
      const t = track();
      const on = t?.enabled ?? false;
      button.disabled = t === undefined;
      button.textContent = on ? labels.on : labels.off;
      button.setAttribute('aria-pressed', String(!on));
      button.classList.toggle('off', !on);
    };
    button.addEventListener('click', () => {
      const t = track();
      if (!t) return;
      t.enabled = !t.enabled;
      render();
      onChange(t.enabled);
    });
    render();
    return button;
  };
  const mic = toggle(
    () => options.audio,
    { on: 'Mute', off: 'Unmute' },
    (on) => options.onMicChange(on),
  );
  mic.setAttribute('aria-label', 'Microphone');
  mic.title = 'Microphone on/off';
  const camera = toggle(options.video, { on: 'Stop video', off: 'Start video' }, (on) =>
    options.onCameraChange(on),
  );
  camera.setAttribute('aria-label', 'Camera');
  camera.title = 'Camera on/off';
  const leave = h(
    'button',
    { type: 'button', class: 'control danger', onclick: () => options.onLeave() },
    'Leave',
  );
  const status = h('span', { class: 'connection', role: 'status', 'aria-live': 'polite' });
  const element = h(
    'footer',
    { class: 'controls', 'aria-label': 'Call controls' },
    h('span', { class: 'room-label' }, h('span', { class: 'room-name' }, options.roomName), status),
    mic,
    camera,
    ...options.extra,
    leave,
  );
  return {
    element,
    setConnectionState(state) {
      const badge = connectionBadge(state);
      status.textContent = badge.label;
      status.dataset.tone = badge.tone;
      status.dataset.connection = state;
    },
    setLeaving() {
      leave.disabled = true;
      leave.textContent = 'Leaving…';
    },
  };
}

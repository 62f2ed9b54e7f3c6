import type { ConnectionState } from '@backdrop/client';
import { connectionBadge } from './connection.js';
import { h } from './dom.js';

/** Something the user turns on and off; absent when there is nothing to switch (no microphone, no camera). */
export interface Switch {
  get(): boolean;
  set(on: boolean): void;
}

export interface ControlsOptions {
  roomName: string;
  mic: Switch | undefined;
  camera: Switch | undefined;
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
  // The visible text says what a click does ("Mute" / "Unmute"), so it is the accessible name too; scripts find
  // the buttons by data-control.
  const toggle = (
    target: Switch | undefined,
    labels: { on: string; off: string; name: string; control: string },
  ) => {
    const button = h('button', { type: 'button', class: 'control', 'data-control': labels.control });
    const render = () => {
      const on = target?.get() ?? false;
      button.disabled = target === undefined;
      button.textContent = on ? labels.on : labels.off;
      button.title = target ? `${labels.name} ${on ? 'on' : 'off'}` : `No ${labels.name.toLowerCase()}`;
      button.classList.toggle('off', !on);
    };
    button.addEventListener('click', () => {
      if (!target) return;
      target.set(!target.get());
      render();
    });
    render();
    return button;
  };
  const mic = toggle(options.mic, { on: 'Mute', off: 'Unmute', name: 'Microphone', control: 'mic' });
  const camera = toggle(options.camera, {
    on: 'Stop video',
    off: 'Start video',
    name: 'Camera',
    control: 'camera',
  });
  const leave = h(
    'button',
    { type: 'button', class: 'control danger', 'data-control': 'leave', onclick: () => options.onLeave() },
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

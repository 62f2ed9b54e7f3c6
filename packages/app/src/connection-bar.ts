import type { ConnectionState } from '@backdrop/client';
import {
  type ConnectionBarEvent,
  type ConnectionBarState,
  connectionBarView,
  INITIAL_BAR,
  nextBar,
  RECONNECTED_NOTICE_MS,
} from './connection-view.js';
import { h } from './dom.js';

export interface ConnectionBar {
  element: HTMLElement;
  /** The Room's state changed. */
  setRoomState(state: ConnectionState): void;
  /** A media (ICE) restart started or finished. */
  setMediaRestarting(restarting: boolean): void;
  /** Stops the notice timer. Idempotent. */
  dispose(): void;
}

/**
 * The call's own connection bar: "Reconnecting…" while the Room reconnects (or restarts ICE), then a short
 * "Reconnected". It writes `data-connection` on `root` (the call screen) so scripts and CSS see the state.
 * Polite live region: screen readers hear it without losing their place; the controls stay usable under it.
 */
export function createConnectionBar(root: HTMLElement): ConnectionBar {
  const element = h('div', {
    class: 'connection-bar',
    role: 'status',
    'aria-live': 'polite',
    'data-connection-bar': 'hidden',
  });
  element.hidden = true;
  let state: ConnectionBarState = INITIAL_BAR;
  let noticeTimer: ReturnType<typeof setTimeout> | undefined;
  let disposed = false;

  const apply = (event: ConnectionBarEvent) => {
    if (disposed) return;
    const before = state;
    state = nextBar(state, event);
    const view = connectionBarView(state);
    element.hidden = view.kind === 'hidden';
    element.textContent = view.text;
    element.dataset.connectionBar = view.kind;
    root.dataset.connection = view.connection;
    if (state.notice && !before.notice) {
      clearTimeout(noticeTimer);
      noticeTimer = setTimeout(() => apply({ type: 'noticeExpired' }), RECONNECTED_NOTICE_MS);
    } else if (!state.notice) clearTimeout(noticeTimer);
  };

  return {
    element,
    setRoomState: (room) => apply({ type: 'room', state: room }),
    setMediaRestarting: (restarting) => apply({ type: 'media', restarting }),
    dispose() {
      disposed = true;
      clearTimeout(noticeTimer);
    },
  };
}

import { type ConnectionBarState, connectionBarView } from './connection-view.js';

/**
 * The call's own connection bar: "Reconnecting…" while the Room reconnects (or restarts ICE), then a short
 * "Reconnected" (the session expires it). Polite live region: screen readers hear it without losing their
 * place; the controls stay usable under it. The call root carries the matching `data-connection`.
 */
export function ConnectionBar({ state }: { state: ConnectionBarState }) {
  const view = connectionBarView(state);
  return (
    <div
      class="connection-bar"
      role="status"
      aria-live="polite"
      data-connection-bar={view.kind}
      hidden={view.kind === 'hidden'}
    >
      {view.text}
    </div>
  );
}

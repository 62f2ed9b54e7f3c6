import type { ConnectionState } from '@backdrop/client';
import { connectionBadge } from './connection.js';
import { keyshortcutsFor } from './shortcuts-help.js';

/**
 * One button of the control bar. `control` is its `data-control` (what scripts click); `label` is the visible
 * text and says what a click does ("Mute" / "Unmute"), so it is the accessible name too.
 */
export interface ControlDescriptor {
  control: string;
  label: string;
  title?: string;
  /** Shown as switched off (`.off`). */
  off?: boolean;
  disabled?: boolean;
  /** The red Leave style. */
  danger?: boolean;
  /** The panel this button opens (`aria-controls`) and whether it is open (`aria-expanded`). */
  panel?: { id: string; open: boolean };
  /**
   * A switch: `aria-pressed` is whether it is on (the mic sending, the camera on, the room locked). With
   * `name`, a fixed accessible name ("Microphone"), since the visible label then says what a click does.
   */
  pressed?: boolean;
  name?: string;
  /** A count shown on the button (unread chat messages, raised hands); absent or 0: none. */
  badge?: number;
  onClick(): void;
}

/**
 * The call's control bar: room name and connection state, then the controls in the order given. Only
 * controls for what exists are passed in: the bar never shows a button that does nothing.
 */
export function ControlsBar(props: {
  roomName: string;
  connection: ConnectionState;
  controls: readonly ControlDescriptor[];
}) {
  const badge = connectionBadge(props.connection);
  return (
    <section class="controls" aria-label="Call controls">
      <span class="room-label">
        <span class="room-name">{props.roomName}</span>
        <span
          class="connection"
          role="status"
          aria-live="polite"
          data-tone={badge.tone}
          data-connection={props.connection}
        >
          {badge.label}
        </span>
      </span>
      {props.controls.map((c) => (
        <button
          key={c.control}
          type="button"
          class={`control${c.off ? ' off' : ''}${c.danger ? ' danger' : ''}`}
          data-control={c.control}
          title={c.title}
          disabled={c.disabled}
          aria-controls={c.panel?.id}
          aria-expanded={c.panel?.open}
          aria-pressed={c.pressed}
          aria-label={c.name}
          aria-keyshortcuts={keyshortcutsFor(c.control)}
          onClick={() => c.onClick()}
        >
          {c.label}
          {c.badge ? <span class="control-badge">{c.badge}</span> : null}
        </button>
      ))}
    </section>
  );
}

/**
 * The call's keyboard shortcuts: one table, key → the `data-control` it presses. Other features add their
 * rows here (share, hand, chat, …); a row whose control is not on screen does nothing, so the table can list
 * keys for controls that are not built yet without inventing buttons.
 */
export interface Shortcut {
  /** KeyboardEvent.key, lower case for letters ("d", "?"). */
  key: string;
  /** Ctrl on Linux/Windows, Cmd on macOS. */
  mod: boolean;
  shift?: boolean;
  /** The `data-control` it clicks, or `help` for the list itself. */
  control: string;
  /** What it does, for the help list. */
  description: string;
}

export const SHORTCUTS: readonly Shortcut[] = [
  { key: 'd', mod: true, control: 'mic', description: 'Mute or unmute the microphone' },
  { key: 'e', mod: true, control: 'camera', description: 'Turn the camera off or on' },
  { key: 's', mod: true, shift: true, control: 'share', description: 'Share your screen' },
  { key: 'h', mod: true, shift: true, control: 'hand', description: 'Raise or lower your hand' },
  { key: 'c', mod: true, shift: true, control: 'chat', description: 'Open or close the chat' },
  { key: ',', mod: true, control: 'settings', description: 'Devices and audio settings' },
  { key: '?', mod: false, control: 'help', description: 'Show these shortcuts' },
];

/** The parts of a KeyboardEvent the matcher reads (plain data, so it is tested in Node). */
export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
  /** Whether focus is in a text field (input, textarea, select, contenteditable): typing, not a command. */
  typing: boolean;
  /** macOS: Cmd is the modifier; elsewhere Ctrl. */
  mac: boolean;
}

/** The shortcut a key press means, or undefined. Never while typing, never with Alt (keyboard layouts). */
export function matchShortcut(press: KeyPress, table: readonly Shortcut[] = SHORTCUTS): Shortcut | undefined {
  if (press.typing || press.altKey) return undefined;
  const mod = press.mac ? press.metaKey : press.ctrlKey;
  const other = press.mac ? press.ctrlKey : press.metaKey;
  if (other) return undefined;
  const key = press.key.length === 1 ? press.key.toLowerCase() : press.key;
  return table.find(
    (s) =>
      s.key === key &&
      s.mod === mod &&
      // "?" is itself a shifted key on most layouts: its Shift is not part of the shortcut.
      (s.key === '?' || (s.shift ?? false) === press.shiftKey),
  );
}

/** How a shortcut is written for the user ("Ctrl+D", "⌘+Shift+C", "?"). */
export function shortcutLabel(s: Shortcut, mac: boolean): string {
  const parts = [s.mod ? (mac ? '⌘' : 'Ctrl') : '', s.shift ? 'Shift' : '', s.key.toUpperCase()];
  return parts.filter(Boolean).join('+');
}

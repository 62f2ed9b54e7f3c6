import { useEffect, useRef, useState } from 'preact/hooks';
import { matchShortcut, SHORTCUTS, shortcutLabel } from './shortcuts.js';

const mac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

/** Whether focus is where the user types (the shortcut keys are text there). */
function typingIn(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el?.tagName) return false;
  return el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName);
}

/** `aria-keyshortcuts` for a control ("Control+D"), or undefined when the table has none for it. */
export function keyshortcutsFor(control: string): string | undefined {
  const s = SHORTCUTS.find((row) => row.control === control);
  if (!s) return undefined;
  return [s.mod ? (mac ? 'Meta' : 'Control') : '', s.shift ? 'Shift' : '', s.key.toUpperCase()]
    .filter(Boolean)
    .join('+');
}

/**
 * The call's keyboard shortcuts (the table in shortcuts.ts): a key clicks its `data-control` button when it
 * is on screen and enabled, so a shortcut does exactly what the button does. "?" opens the list.
 */
export function ShortcutsHelp() {
  const [open, setOpen] = useState(false);
  const dialog = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      const shortcut = matchShortcut({
        key: event.key,
        ctrlKey: event.ctrlKey,
        metaKey: event.metaKey,
        shiftKey: event.shiftKey,
        altKey: event.altKey,
        typing: typingIn(event.target),
        mac,
      });
      if (!shortcut) return;
      if (shortcut.control === 'help') {
        event.preventDefault();
        setOpen((o) => !o);
        return;
      }
      const button = document.querySelector<HTMLButtonElement>(
        `.controls [data-control="${shortcut.control}"]`,
      );
      if (!button || button.disabled) return;
      event.preventDefault();
      button.click();
    };
    addEventListener('keydown', onKeyDown);
    return () => removeEventListener('keydown', onKeyDown);
  }, []);

  useEffect(() => {
    const el = dialog.current;
    if (!el) return;
    if (open && !el.open) el.showModal?.();
    else if (!open && el.open) el.close();
  }, [open]);

  return (
    <dialog
      ref={dialog}
      class="shortcuts-help"
      data-shortcuts-help=""
      aria-labelledby="shortcuts-title"
      onClose={() => setOpen(false)}
    >
      <h2 id="shortcuts-title">Keyboard shortcuts</h2>
      <table>
        <tbody>
          {SHORTCUTS.map((s) => (
            <tr key={s.control}>
              <th scope="row">
                <kbd>{shortcutLabel(s, mac)}</kbd>
              </th>
              <td>{s.description}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" onClick={() => setOpen(false)}>
        Close
      </button>
    </dialog>
  );
}

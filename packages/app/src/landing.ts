import { RoomName } from '@backdrop/protocol';
import { h, setPageState } from './dom.js';
import { suggestRoomName } from './room-names.js';

/** The start page: name a room (or take a suggested one) and go to its link. */
export function renderLanding(root: HTMLElement): void {
  setPageState('landing');
  const input = h('input', {
    id: 'room-name',
    name: 'room',
    value: suggestRoomName(),
    autocomplete: 'off',
    maxlength: 64,
    required: true,
  });
  const error = h('p', { class: 'message error', role: 'alert' });
  const form = h(
    'form',
    { class: 'card landing' },
    h('h1', {}, 'Backdrop'),
    h('p', { class: 'lead' }, 'Video meetings with private, on-device background effects.'),
    h('label', { for: 'room-name' }, 'Room name'),
    input,
    h('p', { class: 'hint' }, 'Lowercase letters, digits and hyphens. Anyone with the link can join.'),
    error,
    h('button', { type: 'submit', class: 'primary' }, 'Open room'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const result = RoomName.safeParse(input.value.trim().toLowerCase());
    if (!result.success) {
      error.textContent = result.error.issues[0]?.message ?? 'Invalid room name';
      return;
    }
    location.assign(`/r/${result.data}`);
  });
  root.replaceChildren(form);
}

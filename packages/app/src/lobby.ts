import { DisplayName } from '@backdrop/protocol';
import { startCall } from './call.js';
import { h, setPageState } from './dom.js';
import { LocalMedia } from './media.js';
import type { PageParams } from './params.js';
import { createEffectPicker } from './picker.js';
import { createTile } from './tile.js';

const NAME_KEY = 'backdrop.displayName';

function storedName(): string {
  try {
    return localStorage.getItem(NAME_KEY) ?? '';
  } catch {
    return '';
  }
}

/** The lobby: your preview with the background picker, your name, and Join. */
export async function renderLobby(root: HTMLElement, roomName: string, params: PageParams): Promise<void> {
  setPageState('lobby');
  const message = h('p', { class: 'message', role: 'status' });
  const showMessage = (text: string, kind: 'error' | 'info' = 'info') => {
    message.textContent = text;
    message.className = `message ${kind}`;
  };
  const progress = h('progress', {
    class: 'model-progress',
    max: 1,
    hidden: true,
    'aria-label': 'Loading the background model',
  });
  const nameInput = h('input', {
    id: 'display-name',
    name: 'name',
    maxlength: 64,
    autocomplete: 'name',
    required: true,
    value: params.name ?? storedName(),
  });
  const joinButton = h('button', { type: 'submit', class: 'primary', disabled: true }, 'Join');
  const preview = createTile({ name: 'Preview', local: true });
  const pickerSlot = h('div', { class: 'picker-slot' });
  const form = h(
    'form',
    { class: 'card lobby' },
    h('h1', {}, `Join ${roomName}`),
    h('div', { class: 'preview' }, preview.element, progress),
    pickerSlot,
    h('label', { for: 'display-name' }, 'Your name'),
    nameInput,
    message,
    joinButton,
  );
  root.replaceChildren(form);
  if (params.problems.length > 0) showMessage(params.problems.join(' '), 'error');

  const { media, problem } = await LocalMedia.open();
  if (problem) showMessage(problem, 'error');
  await media.startEffect(params.effect ?? { kind: 'none' }, {
    onProgress(fraction) {
      progress.hidden = false;
      if (fraction === null) progress.removeAttribute('value');
      else progress.value = fraction;
    },
    onReady() {
      progress.hidden = true;
    },
    onEffectError: (text) => showMessage(text, 'error'),
  });
  preview.setStream(
    new MediaStream([media.videoTrack].filter((t): t is MediaStreamTrack => t !== undefined)),
  );
  pickerSlot.replaceChildren(createEffectPicker(media, showMessage));
  joinButton.disabled = false;

  const join = () => {
    const name = DisplayName.safeParse(nameInput.value);
    if (!name.success) {
      showMessage(`Name: ${name.error.issues[0]?.message ?? 'invalid'}`, 'error');
      return;
    }
    try {
      localStorage.setItem(NAME_KEY, name.data);
    } catch {
      // Not remembered; not a problem.
    }
    void startCall(root, roomName, name.data, media, () => {
      media.close();
      void renderLobby(root, roomName, { ...params, autojoin: false });
    });
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    join();
  });
  if (params.autojoin && params.name) join();
}

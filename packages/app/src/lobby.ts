import { DisplayName } from '@backdrop/protocol';
import { startCall } from './call.js';
import { h, setPageState } from './dom.js';
import { createLogger } from './log.js';
import { LocalMedia } from './media.js';
import type { PageParams } from './params.js';
import { createEffectPicker } from './picker.js';
import { createTile } from './tile.js';

const NAME_KEY = 'backdrop.displayName';
const log = createLogger('lobby');

function storedName(): string {
  try {
    return localStorage.getItem(NAME_KEY) ?? '';
  } catch {
    return '';
  }
}

function rememberName(name: string): void {
  try {
    localStorage.setItem(NAME_KEY, name);
  } catch (error) {
    // Private mode or storage disabled: the name is simply asked again next time.
    log.debug('display name not remembered', { error });
  }
}

/** The room's link with a Copy button, so the first person can invite the others. */
function inviteLink(roomName: string): HTMLElement {
  const url = `${location.origin}/r/${roomName}`;
  const copy = h('button', { type: 'button', class: 'small' }, 'Copy link');
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(url);
      copy.textContent = 'Copied';
    } catch {
      copy.textContent = 'Select and copy';
    }
  });
  return h('p', { class: 'invite' }, h('span', { class: 'invite-url' }, url), copy);
}

/** The lobby: your preview with the background picker, your name, and Join. */
export async function renderLobby(root: HTMLElement, roomName: string, params: PageParams): Promise<void> {
  setPageState('lobby');
  const message = h('p', { class: 'message', id: 'lobby-message', role: 'status', 'aria-live': 'polite' });
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
    placeholder: 'How others will see you',
    required: true,
    'aria-describedby': 'name-error',
    value: params.name ?? storedName(),
  });
  const nameError = h('p', { class: 'message error', id: 'name-error', role: 'alert' });
  const joinButton = h('button', { type: 'submit', class: 'primary', disabled: true }, 'Starting camera…');
  const preview = createTile({ name: params.name ?? (storedName() || '?'), local: true, label: 'Preview' });
  // The background effect picker (issue 3) is mounted here once the camera and effect pipeline are up.
  const pickerSlot = h(
    'section',
    { class: 'picker-slot', 'aria-label': 'Background' },
    h('h2', {}, 'Background'),
  );
  const form = h(
    'form',
    { class: 'card lobby', 'aria-labelledby': 'lobby-title' },
    h('div', { class: 'preview' }, preview.element, progress),
    pickerSlot,
    h(
      'div',
      { class: 'lobby-join' },
      h('h1', { id: 'lobby-title' }, 'Ready to join?'),
      h('p', { class: 'lead' }, 'Room ', h('strong', {}, roomName)),
      inviteLink(roomName),
      h('label', { for: 'display-name' }, 'Your name'),
      nameInput,
      nameError,
      message,
      joinButton,
    ),
  );
  root.replaceChildren(form);
  if (params.problems.length > 0) {
    const list = h('ul', { class: 'link-problems', role: 'alert', 'aria-label': 'Problems with this link' });
    for (const problem of params.problems) list.append(h('li', {}, problem));
    message.before(list);
  }

  const { media, problem } = await LocalMedia.open();
  performance.mark('backdrop:media-open');
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
  performance.mark('backdrop:effect-started');
  const showPreview = (track: MediaStreamTrack | undefined) =>
    preview.setStream(new MediaStream(track ? [track] : []));
  showPreview(media.videoTrack);
  let stopPreview = media.onVideoTrackChange(showPreview);
  pickerSlot.append(createEffectPicker(media, showMessage));
  joinButton.disabled = false;
  joinButton.textContent = media.videoTrack ? 'Join' : 'Join without camera';

  let joining = false;
  const join = () => {
    if (joining) return;
    const name = DisplayName.safeParse(nameInput.value);
    if (!name.success) {
      nameError.textContent = `Name: ${name.error.issues[0]?.message ?? 'invalid'}`;
      nameInput.focus();
      return;
    }
    joining = true;
    stopPreview();
    rememberName(name.data);
    void startCall(root, {
      roomName,
      name: name.data,
      media,
      onExit: () => {
        media.close();
        void renderLobby(root, roomName, { ...params, name: name.data, autojoin: false });
      },
      // Same lobby, same camera: only the name has to change.
      onNameRefused: (text) => {
        root.replaceChildren(form);
        setPageState('lobby');
        showPreview(media.videoTrack);
        stopPreview = media.onVideoTrackChange(showPreview);
        rememberName('');
        nameError.textContent = text;
        nameInput.setAttribute('aria-invalid', 'true');
        nameInput.focus();
        joining = false;
      },
    });
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    join();
  });
  nameInput.addEventListener('input', () => {
    if (DisplayName.safeParse(nameInput.value).success) {
      nameError.textContent = '';
      nameInput.removeAttribute('aria-invalid');
    }
  });
  if (params.autojoin) {
    if (params.name) join();
    else showMessage('autojoin=1 needs name=… in the link as well: enter your name and press Join.', 'error');
  }
}

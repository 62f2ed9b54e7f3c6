import { EffectError, IMAGE_LIMITS } from '@backdrop/effects';
import { h } from './dom.js';
import { LocalMedia, type PickerChoice } from './media.js';
import { BUNDLED_BACKGROUNDS } from './params.js';

/**
 * The background picker: none, blur, bundled images, your own image (stays in this browser), or a solid colour.
 * Used in the lobby and, during a call, in a panel. A failed switch leaves the previous effect in place.
 */
export function createEffectPicker(
  media: LocalMedia,
  onMessage: (text: string, kind: 'error' | 'info') => void,
): HTMLElement {
  const buttons = new Map<string, HTMLButtonElement>();
  const select = async (key: string, choice: PickerChoice) => {
    try {
      await media.setChoice(choice);
      for (const [k, b] of buttons) b.setAttribute('aria-pressed', String(k === key));
      onMessage('', 'info');
    } catch (error) {
      onMessage(error instanceof EffectError ? error.message : String(error), 'error');
    }
  };
  const option = (key: string, label: string, choice: () => PickerChoice, style = '') => {
    const button = h(
      'button',
      {
        type: 'button',
        class: 'effect-option',
        'data-effect': key,
        'aria-pressed': 'false',
        style,
        onclick: () => void select(key, choice()),
      },
      label,
    );
    buttons.set(key, button);
    return button;
  };
  const color = h('input', { type: 'color', value: '#00b140', 'aria-label': 'Background colour' });
  color.addEventListener('input', () => void select('remove', { kind: 'remove', color: color.value }));
  const upload = h('input', {
    type: 'file',
    accept: 'image/*',
    hidden: true,
    'aria-label': 'Upload a background image',
  });
  upload.addEventListener('change', async () => {
    const file = upload.files?.[0];
    upload.value = '';
    if (!file) return;
    if (file.size > IMAGE_LIMITS.maxBytes) {
      onMessage(
        `That file is ${(file.size / 1e6).toFixed(1)} MB; backgrounds can be at most 20 MB.`,
        'error',
      );
      return;
    }
    try {
      const image = await LocalMedia.loadUpload(file);
      await select('custom', { kind: 'custom', image, label: file.name });
    } catch (error) {
      onMessage(error instanceof EffectError ? `${file.name}: ${error.message}` : String(error), 'error');
    }
  });

  const current = media.choice;
  const initialKey = current.kind === 'replace' ? `replace-${current.background}` : current.kind;
  const picker = h(
    'div',
    { class: 'effect-picker', role: 'group', 'aria-label': 'Background' },
    option('none', 'None', () => ({ kind: 'none' })),
    option('blur', 'Blur', () => ({ kind: 'blur' })),
    ...BUNDLED_BACKGROUNDS.map((name) =>
      option(
        `replace-${name}`,
        name[0]!.toUpperCase() + name.slice(1),
        () => ({ kind: 'replace', background: name }),
        `background-image:url(/backgrounds/${name}.jpg)`,
      ),
    ),
    h(
      'button',
      { type: 'button', class: 'effect-option', 'data-effect': 'upload', onclick: () => upload.click() },
      'Your image…',
    ),
    upload,
    h('label', { class: 'effect-option color-option', 'data-effect': 'remove' }, 'Colour ', color),
  );
  buttons.get(initialKey)?.setAttribute('aria-pressed', 'true');
  if (!media.effectsAvailable)
    for (const b of picker.querySelectorAll('button,input')) b.setAttribute('disabled', '');
  return picker;
}

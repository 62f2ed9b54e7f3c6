import {
  EffectError,
  type EffectMode,
  formatMegabytes,
  IMAGE_LIMIT_TEXT,
  IMAGE_LIMITS,
} from '@backdrop/effects';
import { h } from './dom.js';
import { DEFAULT_REMOVE_COLOR, EFFECT_OPTIONS, type EffectOption, optionKeyOf } from './effect-options.js';
import { LocalMedia } from './media.js';

/**
 * The background picker: none, blur, bundled images, your own image (stays in this browser), or a solid colour
 * (the options and their labels are `EFFECT_OPTIONS`). Used in the lobby and, during a call, in a panel. A
 * failed switch leaves the previous effect in place.
 */
export function createEffectPicker(
  media: LocalMedia,
  onMessage: (text: string, kind: 'error' | 'info') => void,
): HTMLElement {
  // The options whose button shows it is the current one (aria-pressed): the fixed modes.
  const buttons = new Map<string, HTMLButtonElement>();
  const showSelected = (mode: EffectMode) => {
    const key = optionKeyOf(mode);
    for (const [k, b] of buttons) b.setAttribute('aria-pressed', String(k === key));
  };
  const select = async (mode: EffectMode) => {
    try {
      await media.setMode(mode);
      showSelected(mode);
      onMessage('', 'info');
    } catch (error) {
      onMessage(error instanceof EffectError ? error.message : String(error), 'error');
    }
  };

  const color = h('input', { type: 'color', value: DEFAULT_REMOVE_COLOR, 'aria-label': 'Background colour' });
  color.addEventListener('input', () => void select({ kind: 'remove', color: color.value }));
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
        `That file is ${formatMegabytes(file.size)}; backgrounds can be at most ${IMAGE_LIMIT_TEXT.bytes}.`,
        'error',
      );
      return;
    }
    try {
      const image = await LocalMedia.loadUpload(file);
      await select({ kind: 'replace', image });
    } catch (error) {
      onMessage(error instanceof EffectError ? `${file.name}: ${error.message}` : String(error), 'error');
    }
  });

  const element = (option: EffectOption): HTMLElement[] => {
    if (option.key === 'upload') {
      const button = h(
        'button',
        { type: 'button', class: 'effect-option', 'data-effect': option.key, onclick: () => upload.click() },
        option.label,
      );
      return [button, upload];
    }
    if (option.key === 'remove') {
      return [
        h(
          'label',
          { class: 'effect-option color-option', 'data-effect': option.key },
          `${option.label} `,
          color,
        ),
      ];
    }
    const mode = option.mode;
    if (!mode) return [];
    const button = h(
      'button',
      {
        type: 'button',
        class: 'effect-option',
        'data-effect': option.key,
        'aria-pressed': 'false',
        style: option.thumbnail ? `background-image:url(${option.thumbnail})` : '',
        onclick: () => void select(mode),
      },
      option.label,
    );
    buttons.set(option.key, button);
    return [button];
  };

  const picker = h(
    'div',
    { class: 'effect-picker', role: 'group', 'aria-label': 'Background' },
    ...EFFECT_OPTIONS.flatMap(element),
  );
  showSelected(media.mode);
  if (!media.effectsAvailable)
    for (const b of picker.querySelectorAll('button,input')) b.setAttribute('disabled', '');
  return picker;
}

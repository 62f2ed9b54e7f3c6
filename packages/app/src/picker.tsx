import {
  EffectError,
  type EffectMode,
  formatMegabytes,
  IMAGE_LIMIT_TEXT,
  IMAGE_LIMITS,
} from '@backdrop/effects';
import { useRef } from 'preact/hooks';
import { DEFAULT_REMOVE_COLOR, EFFECT_OPTIONS, type EffectOption, optionKeyOf } from './effect-options.js';
import { LocalMedia } from './media.js';

type OnMessage = (text: string, kind: 'error' | 'info') => void;

/**
 * The background picker: none, blur, bundled images, your own image (stays in this browser), or a solid colour
 * (the options and their labels are `EFFECT_OPTIONS`). Used in the lobby and, during a call, in a panel. The
 * pressed option is the media's mode, so both pickers agree; a failed switch leaves the previous effect.
 */
export function EffectPicker({ media, onMessage }: { media: LocalMedia; onMessage: OnMessage }) {
  const upload = useRef<HTMLInputElement>(null);
  const selected = optionKeyOf(media.modeSignal.value);
  const disabled = !media.effectsAvailable;

  const select = async (mode: EffectMode) => {
    try {
      await media.setMode(mode);
      onMessage('', 'info');
    } catch (error) {
      onMessage(error instanceof EffectError ? error.message : String(error), 'error');
    }
  };

  const onUpload = async (input: HTMLInputElement) => {
    const file = input.files?.[0];
    input.value = '';
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
  };

  const option = (o: EffectOption) => {
    if (o.key === 'upload')
      return [
        <button
          key={o.key}
          type="button"
          class="effect-option"
          data-effect={o.key}
          disabled={disabled}
          onClick={() => upload.current?.click()}
        >
          {o.label}
        </button>,
        <input
          key="upload-input"
          ref={upload}
          type="file"
          accept="image/*"
          hidden
          disabled={disabled}
          aria-label="Upload a background image"
          onChange={(e) => void onUpload(e.currentTarget)}
        />,
      ];
    if (o.key === 'remove')
      return [
        <label key={o.key} class="effect-option color-option" data-effect={o.key}>
          {`${o.label} `}
          <input
            type="color"
            defaultValue={DEFAULT_REMOVE_COLOR}
            disabled={disabled}
            aria-label="Background colour"
            onInput={(e) => void select({ kind: 'remove', color: e.currentTarget.value })}
          />
        </label>,
      ];
    const mode = o.mode;
    if (!mode) return [];
    return [
      <button
        key={o.key}
        type="button"
        class="effect-option"
        data-effect={o.key}
        aria-pressed={o.key === selected}
        disabled={disabled}
        style={o.thumbnail ? `background-image:url(${o.thumbnail})` : ''}
        onClick={() => void select(mode)}
      >
        {o.label}
      </button>,
    ];
  };

  return (
    // biome-ignore lint/a11y/useSemanticElements: a group of toggle buttons; a fieldset would bring its own frame and layout
    <div class="effect-picker" role="group" aria-label="Background">
      {EFFECT_OPTIONS.flatMap(option)}
    </div>
  );
}

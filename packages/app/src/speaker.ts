import { effect } from '@preact/signals';
import { audioOutput, canChooseSpeaker } from './device-list.js';
import { createLogger } from './log.js';

const log = createLogger('speaker');

/** Keeps `element` playing on the chosen speaker (setSinkId) until the returned stop is called. */
export function applySpeaker(element: HTMLMediaElement): (() => void) | undefined {
  if (!canChooseSpeaker()) return undefined;
  return effect(() => {
    const sinkId = audioOutput.value;
    if (element.sinkId === sinkId) return;
    element.setSinkId(sinkId).catch((error: unknown) => {
      // A speaker gone since it was chosen: the browser keeps the current one.
      log.warn('could not choose the speaker', { error });
    });
  });
}

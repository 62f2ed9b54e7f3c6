import { describe, expect, it } from 'vitest';
import { EffectError } from '../errors.js';
import { MEDIAPIPE_TASKS_GLOBAL, tasksFrom } from './mediapipe-tasks.js';

describe('tasksFrom', () => {
  it('gives the API the script defined', () => {
    const ImageSegmenter = { createFromOptions: () => undefined };
    const FilesetResolver = () => undefined;
    const scope = { [MEDIAPIPE_TASKS_GLOBAL]: { ImageSegmenter, FilesetResolver } };
    expect(tasksFrom(scope, 'x.js').ImageSegmenter).toBe(ImageSegmenter);
  });
  it('refuses a script that defined nothing usable, naming it', () => {
    for (const scope of [
      {},
      { [MEDIAPIPE_TASKS_GLOBAL]: {} },
      { [MEDIAPIPE_TASKS_GLOBAL]: { ImageSegmenter: {} } },
    ]) {
      expect(() => tasksFrom(scope, '/a/mediapipe-tasks.js')).toThrowError(EffectError);
      expect(() => tasksFrom(scope, '/a/mediapipe-tasks.js')).toThrowError(/\/a\/mediapipe-tasks\.js/);
    }
  });
});

/**
 * MediaPipe Tasks' JavaScript API (137 KB minified) is not in the worker's script: only `runtime: 'mediapipe'`
 * needs it, and every start paid for parsing it. It is a classic script of its own among the effects' assets
 * (`mediapipe-tasks.js`, built from mediapipe-tasks-script.ts by assets.mjs), which defines one global, read
 * here after the script ran.
 */
import type { FilesetResolver, ImageSegmenter } from '@mediapipe/tasks-vision';
import { EffectError } from '../errors.js';

/** The script's name under the effects' asset base. */
export const MEDIAPIPE_TASKS_FILE = 'mediapipe-tasks.js';
/** The global the script defines. */
export const MEDIAPIPE_TASKS_GLOBAL = 'backdropMediaPipeTasks';

/** What the script exposes: the two classes the segmenter uses. */
export interface MediaPipeTasks {
  FilesetResolver: typeof FilesetResolver;
  ImageSegmenter: typeof ImageSegmenter;
}

/** The API the script defined on `scope`; a clear error when the script ran but defined nothing usable. */
export function tasksFrom(scope: object, url: string): MediaPipeTasks {
  const tasks = (scope as Record<string, unknown>)[MEDIAPIPE_TASKS_GLOBAL] as
    | Partial<MediaPipeTasks>
    | undefined;
  if (
    typeof tasks?.ImageSegmenter?.createFromOptions !== 'function' ||
    typeof tasks.FilesetResolver !== 'function'
  )
    throw new EffectError('model_load_failed', `${url} did not define ${MEDIAPIPE_TASKS_GLOBAL}`);
  return tasks as MediaPipeTasks;
}

// The entry of the `mediapipe-tasks.js` asset (see mediapipe-tasks.ts): a classic script that defines one global.
import { FilesetResolver, ImageSegmenter } from '@mediapipe/tasks-vision';
import { MEDIAPIPE_TASKS_GLOBAL, type MediaPipeTasks } from './mediapipe-tasks.js';

const tasks: MediaPipeTasks = { FilesetResolver, ImageSegmenter };
(globalThis as Record<string, unknown>)[MEDIAPIPE_TASKS_GLOBAL] = tasks;

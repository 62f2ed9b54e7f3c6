/**
 * The first camera and microphone request of a room page, made by a small script of its own
 * (`early.ts`, loaded `async` before the app's bundle) as soon as the page's HTML is parsed, while the
 * app's bundle still downloads, parses and renders the lobby. Every room page opens the media when its lobby
 * mounts, so this asks for nothing the page would not ask for anyway; it only asks earlier. Opening a camera
 * takes long (the first getUserMedia in a browser took 0.9-1.5 s here with Chromium's fake camera) and the
 * effect, the join and so what the others see all wait for it. `LocalMedia.open` adopts the request when it
 * would make exactly the same one; else the early tracks are stopped.
 */

import type { RequestPrefs } from './media-request.js';

const KEY = '__backdropEarlyMedia';

interface EarlyMedia {
  /** The constraints asked for, as JSON (what `takeEarlyMedia` compares). */
  request: string;
  stream: Promise<MediaStream>;
}

type Holder = { [KEY]?: EarlyMedia };

type GetUserMedia = (constraints: MediaStreamConstraints) => Promise<MediaStream>;

/** The remembered device choices' localStorage key (device-list.ts stores them there). */
export const DEVICE_PREFS_KEY = 'backdrop.devices';

function mark(name: string): void {
  if (typeof performance !== 'undefined' && typeof performance.mark === 'function') performance.mark(name);
}

/** Asks for `constraints` now and keeps the promise for `takeEarlyMedia` (no-op without getUserMedia). */
export function startEarlyMedia(
  constraints: MediaStreamConstraints,
  getUserMedia: GetUserMedia | undefined = typeof navigator === 'undefined' ||
  !navigator.mediaDevices?.getUserMedia
    ? undefined
    : (c) => navigator.mediaDevices.getUserMedia(c),
  holder: object = globalThis,
): void {
  if (!getUserMedia) return;
  // Marks for scripts (bench:start): when the browser was asked, and when it gave the tracks, apart from when
  // the app took them over (`backdrop:media-open`), so the camera's time shows as the browser's or the app's.
  mark('backdrop:camera-asked');
  const stream = getUserMedia(constraints);
  stream.then(
    () => mark('backdrop:camera-granted'),
    () => undefined,
  );
  // Whoever takes it sees the rejection; until then it is not an unhandled one.
  stream.catch(() => undefined);
  (holder as Holder)[KEY] = { request: JSON.stringify(constraints), stream };
}

/**
 * The early request's stream if it asked for exactly `constraints`, once (then it is gone). A request for
 * other constraints (the app decided otherwise) is let go: its tracks are stopped.
 */
export function takeEarlyMedia(
  constraints: MediaStreamConstraints,
  holder: object = globalThis,
): Promise<MediaStream> | undefined {
  const early = (holder as Holder)[KEY];
  delete (holder as Holder)[KEY];
  if (!early) return undefined;
  if (early.request === JSON.stringify(constraints)) return early.stream;
  early.stream.then(
    (stream) => {
      for (const track of stream.getTracks()) track.stop();
    },
    () => undefined,
  );
  return undefined;
}

/** Lets an early request go (the page shows no lobby: a malformed room link): its tracks are stopped. */
export function dropEarlyMedia(holder: object = globalThis): void {
  takeEarlyMedia({}, holder);
}

/**
 * The remembered device ids and processing switch, read without the app's schema (zod would make the early
 * script 400 KB); the defaults when absent or odd. Where this reads them otherwise than `parsePrefs`, the
 * app's request differs and it asks again itself (slower, not wrong).
 */
export function readRequestPrefs(raw: string | null): RequestPrefs {
  const prefs: RequestPrefs = { audioProcessing: true };
  try {
    const stored: unknown = raw ? JSON.parse(raw) : null;
    if (!stored || typeof stored !== 'object') return prefs;
    const { videoinput, audioinput, audioProcessing } = stored as Record<string, unknown>;
    const idOf = (d: unknown) =>
      d && typeof d === 'object' && typeof (d as { deviceId?: unknown }).deviceId === 'string'
        ? { deviceId: (d as { deviceId: string }).deviceId }
        : undefined;
    const video = idOf(videoinput);
    const audio = idOf(audioinput);
    if (video) prefs.videoinput = video;
    if (audio) prefs.audioinput = audio;
    if (typeof audioProcessing === 'boolean') prefs.audioProcessing = audioProcessing;
  } catch {
    // Unreadable: the defaults, as the app's parsePrefs does.
  }
  return prefs;
}

/**
 * The first camera and microphone request of a room page, made by a small script of its own
 * (`early.ts`, loaded `async` before the app's bundle) as soon as the page's HTML is parsed, while the
 * app's bundle still downloads, parses and renders the lobby. Every room page opens the media when its lobby
 * mounts, so this asks for nothing the page would not ask for anyway; it only asks earlier. Opening a camera
 * takes long (the first getUserMedia in a browser took 0.9-1.5 s here with Chromium's fake camera) and the
 * effect, the join and so what the others see all wait for it. `LocalMedia.open` adopts the request when it
 * would make exactly the same one; else the early tracks are stopped. Where the site may use both devices
 * already, the camera and the microphone are asked for apart, camera first (`askMedia`).
 */

import { mediaPermissionsGranted, type RequestPrefs } from './media-request.js';

const KEY = '__backdropEarlyMedia';

type GetUserMedia = (constraints: MediaStreamConstraints) => Promise<MediaStream>;

/**
 * What a first media request gave: one stream for both kinds (one permission prompt), or the camera and the
 * microphone asked apart, camera first (the site may use both already: see `mediaPermissionsGranted`).
 */
export type MediaAsk =
  | { kind: 'together'; stream: Promise<MediaStream> }
  | { kind: 'apart'; camera: Promise<MediaStream>; microphone: Promise<MediaStream> };

interface EarlyMedia {
  /** The constraints asked for, as JSON (what `takeEarlyMedia` compares). */
  request: string;
  ask: Promise<MediaAsk>;
}

/**
 * `closed`: the app has taken the early ask or let it go. An early script that runs only after that (the two
 * scripts race: it is `async`, the app's bundle is not) must ask for nothing: nobody would take or stop it.
 */
type Holder = { [KEY]?: EarlyMedia | 'closed' };

/** The remembered device choices' localStorage key (device-list.ts stores them there). */
export const DEVICE_PREFS_KEY = 'backdrop.devices';

function mark(name: string): void {
  if (typeof performance !== 'undefined' && typeof performance.mark === 'function') performance.mark(name);
}

function streamsOf(ask: MediaAsk): Promise<MediaStream>[] {
  return ask.kind === 'together' ? [ask.stream] : [ask.camera, ask.microphone];
}

/**
 * Asks for `constraints`: in one request, or `apart`, the camera first and then the microphone (a browser
 * opens them in the order asked, so the camera does not wait for the microphone). Rejections are the taker's
 * to see; until then none is an unhandled one.
 */
export function askMedia(
  constraints: MediaStreamConstraints,
  apart: boolean,
  getUserMedia: GetUserMedia,
): MediaAsk {
  const ask: MediaAsk = apart
    ? {
        kind: 'apart',
        camera: getUserMedia({ video: constraints.video ?? false }),
        microphone: getUserMedia({ audio: constraints.audio ?? false }),
      }
    : { kind: 'together', stream: getUserMedia(constraints) };
  for (const stream of streamsOf(ask)) stream.catch(() => undefined);
  return ask;
}

/** Stops every track the ask gave (or will give). */
function stopAsk(ask: MediaAsk): void {
  for (const stream of streamsOf(ask))
    stream.then(
      (s) => {
        for (const track of s.getTracks()) track.stop();
      },
      () => undefined,
    );
}

/**
 * Asks for `constraints` now (once `apart` is known: whether the site may use both devices already) and keeps
 * the ask for `takeEarlyMedia`. No-op without getUserMedia.
 */
export function startEarlyMedia(
  constraints: MediaStreamConstraints,
  getUserMedia: GetUserMedia | undefined = typeof navigator === 'undefined' ||
  !navigator.mediaDevices?.getUserMedia
    ? undefined
    : (c) => navigator.mediaDevices.getUserMedia(c),
  holder: object = globalThis,
  apart: Promise<boolean> = mediaPermissionsGranted(),
): void {
  if (!getUserMedia || (holder as Holder)[KEY] === 'closed') return;
  const ask = apart.then((separately) => {
    // Marks for scripts (bench:start): when the browser was asked, and when it gave the camera, apart from
    // when the app took it over (`backdrop:media-open`), so the camera's time shows as the browser's or the app's.
    mark('backdrop:camera-asked');
    const asked = askMedia(constraints, separately, getUserMedia);
    (asked.kind === 'together' ? asked.stream : asked.camera).then(
      () => mark('backdrop:camera-granted'),
      () => undefined,
    );
    return asked;
  });
  (holder as Holder)[KEY] = { request: JSON.stringify(constraints), ask };
}

/**
 * The early ask if it asked for exactly `constraints`, once (then it is gone, and an early script that has yet
 * to run asks for nothing). An ask for other constraints (the app decided otherwise) is let go: its tracks are
 * stopped.
 */
export function takeEarlyMedia(
  constraints: MediaStreamConstraints,
  holder: object = globalThis,
): Promise<MediaAsk> | undefined {
  const early = (holder as Holder)[KEY];
  (holder as Holder)[KEY] = 'closed';
  if (!early || early === 'closed') return undefined;
  if (early.request === JSON.stringify(constraints)) return early.ask;
  void early.ask.then(stopAsk);
  return undefined;
}

/**
 * Lets an early request go (the page shows no lobby: a malformed room link): its tracks are stopped, and an
 * early script that has yet to run asks for nothing.
 */
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

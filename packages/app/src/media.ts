import {
  type BackgroundEffect,
  createBackgroundEffect,
  EffectError,
  type EffectMode,
  effectsSupported,
  loadBackgroundImage,
  type StartupReport,
} from '@backdrop/effects';
import { type ReadonlySignal, signal } from '@preact/signals';
import { uploadedImage } from './effect-options.js';
import { createLogger } from './log.js';
import { classifyMediaError, describeMediaProblem } from './media-problems.js';
import { recordEffectStartup } from './metrics.js';

const log = createLogger('media');

// The app build (build.mjs) names the effects worker and files by content hash and defines these; anywhere
// else (a test bundler) they are unset and the effects library's defaults apply.
declare const __BACKDROP_EFFECTS_BASE__: string | undefined;
declare const __BACKDROP_EFFECTS_WORKER__: string | undefined;
const EFFECTS_FILES =
  typeof __BACKDROP_EFFECTS_BASE__ === 'string' && typeof __BACKDROP_EFFECTS_WORKER__ === 'string'
    ? { assetBase: __BACKDROP_EFFECTS_BASE__, workerUrl: __BACKDROP_EFFECTS_WORKER__ }
    : {};

export interface MediaCallbacks {
  onProgress(fraction: number | null, label: string): void;
  onReady(): void;
  onEffectError(message: string): void;
}

/**
 * The local camera and microphone, and the background effect between the camera and everything else. The
 * preview and the published track both show `videoTrack`, so what you see is what others get: the raw camera
 * while the mode is `none` (no worker in the path, so the first frame is not held up by the model loading),
 * the effect's track otherwise. Its state is signals the components read (`video`, `modeSignal`,
 * `micOn`, `cameraOn`); `onVideoTrackChange` tells non-UI owners (the call's publisher) when the track switches.
 */
export class LocalMedia {
  private effect: BackgroundEffect | undefined;
  private callbacks: MediaCallbacks | undefined;
  /** Where the last effect start spent its time (see the effects library's StartupReport). */
  startupReport: StartupReport | null = null;
  private readonly modeState = signal<EffectMode>({ kind: 'none' });
  private readonly videoState = signal<MediaStreamTrack | undefined>(undefined);
  private readonly micState = signal(false);
  private readonly cameraState = signal(true);
  private readonly videoTrackListeners = new Set<(track: MediaStreamTrack | undefined) => void>();
  private switching: Promise<void> = Promise.resolve();

  private constructor(
    readonly audio: MediaStreamTrack | undefined,
    readonly camera: MediaStreamTrack | undefined,
  ) {
    this.videoState.value = camera;
    this.micState.value = audio?.enabled ?? false;
  }

  /** The effect the user chose (an uploaded image in it is this object's to close). */
  get mode(): EffectMode {
    return this.modeState.value;
  }

  /** The one place the mode changes: `video` follows it. */
  private setModeState(mode: EffectMode): void {
    this.modeState.value = mode;
    this.videoState.value = this.videoTrack;
  }

  /** `mode` as a signal (the picker shows it pressed). */
  get modeSignal(): ReadonlySignal<EffectMode> {
    return this.modeState;
  }

  /** `videoTrack` as a signal (previews and the local tile). */
  get video(): ReadonlySignal<MediaStreamTrack | undefined> {
    return this.videoState;
  }

  /** Whether the microphone sends (there is one and it is not muted). */
  get micOn(): ReadonlySignal<boolean> {
    return this.micState;
  }

  /** Mutes or unmutes the microphone (track.enabled: the SFU keeps the stream, unmuting is instant). */
  setMicEnabled(on: boolean): void {
    if (!this.audio) return;
    this.audio.enabled = on;
    this.micState.value = on;
  }

  /** Whether the camera is on, as a signal. */
  get cameraOn(): ReadonlySignal<boolean> {
    return this.cameraState;
  }

  /** Opens camera and microphone; either may be missing (denied, absent, busy), which `problem` explains. */
  static async open(): Promise<{ media: LocalMedia; problem?: string }> {
    if (!navigator.mediaDevices?.getUserMedia) {
      return {
        media: new LocalMedia(undefined, undefined),
        problem: 'This browser cannot use a camera or microphone here (a secure https:// page is needed).',
      };
    }
    const tryGet = async (constraints: MediaStreamConstraints) => {
      try {
        return await navigator.mediaDevices.getUserMedia(constraints);
      } catch (error) {
        log.info('getUserMedia failed', { constraints, error });
        return classifyMediaError((error as Error).name);
      }
    };
    const video = { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } };
    // One request for both (one permission prompt); if that fails, each device on its own, so a missing
    // microphone does not cost the camera or the other way round.
    const both = await tryGet({ audio: true, video });
    if (typeof both !== 'string') {
      return { media: new LocalMedia(both.getAudioTracks()[0], both.getVideoTracks()[0]) };
    }
    const cameraOnly = await tryGet({ video });
    const micOnly = await tryGet({ audio: true });
    const camera = typeof cameraOnly === 'string' ? undefined : cameraOnly.getVideoTracks()[0];
    const audio = typeof micOnly === 'string' ? undefined : micOnly.getAudioTracks()[0];
    const problem = describeMediaProblem(
      typeof cameraOnly === 'string' ? cameraOnly : undefined,
      typeof micOnly === 'string' ? micOnly : undefined,
    );
    return { media: new LocalMedia(audio, camera), ...(problem ? { problem } : {}) };
  }

  /**
   * Remembers the callbacks and starts the effect if `mode` is one: with `none` nothing is loaded (no worker,
   * no wasm, no model) until an effect is chosen. If the browser cannot run effects at all, 'none' still shows
   * the raw camera; any other choice keeps the camera off rather than show the real background.
   */
  async startEffect(mode: EffectMode, callbacks: MediaCallbacks): Promise<void> {
    this.callbacks = callbacks;
    if (!this.camera) return;
    if (mode.kind === 'none') {
      this.setModeState(mode);
      return;
    }
    await this.setMode(mode).catch(() => {
      // The error went to onEffectError. The chosen effect stays the mode, so `videoTrack` is no track at
      // all (camera off) rather than the raw background.
      this.setModeState(mode);
    });
  }

  /** Creates the effect with its first mode (frames are privacy frames until the model is ready). */
  private async createEffect(camera: MediaStreamTrack, mode: EffectMode): Promise<BackgroundEffect> {
    const callbacks = this.callbacks;
    try {
      const effect = await createBackgroundEffect(camera, { mode, ...EFFECTS_FILES });
      effect.on('modelProgress', (p) =>
        callbacks?.onProgress(p.total ? p.loaded / p.total : null, `Loading ${p.asset}`),
      );
      effect.on('ready', () => callbacks?.onReady());
      effect.on('startup', (report) => {
        this.startupReport = report;
        recordEffectStartup(report);
      });
      effect.on('restarted', ({ reason }) => log.warn('effects worker restarted', { reason }));
      effect.on('error', (error) =>
        callbacks?.onEffectError(
          `Background effect failed (${error.message}). Your camera shows a blurred picture until you choose "None".`,
        ),
      );
      return effect;
    } catch (error) {
      const text = `Background effects are not available in this browser (${(error as Error).message}); your camera stays off.`;
      callbacks?.onEffectError(text);
      throw error;
    }
  }

  /** What the preview shows and what is published: the raw camera for `none`, else the processed track. */
  get videoTrack(): MediaStreamTrack | undefined {
    if (this.mode.kind === 'none') return this.camera;
    return this.effect?.track;
  }

  /** Calls `listener` whenever `videoTrack` becomes a different track; returns the unsubscribe. */
  onVideoTrackChange(listener: (track: MediaStreamTrack | undefined) => void): () => void {
    this.videoTrackListeners.add(listener);
    return () => this.videoTrackListeners.delete(listener);
  }

  /** Whether the camera is on (there is a camera and the user has not turned it off). */
  get cameraEnabled(): boolean {
    return this.camera !== undefined && this.cameraState.value;
  }

  /** Turns the camera picture on or off for everyone (black frames; the track and the SFU stream stay). */
  setCameraEnabled(on: boolean): void {
    this.cameraState.value = on;
    if (this.camera) this.camera.enabled = on;
    if (this.effect) this.effect.track.enabled = on;
  }

  /** Whether this browser can run effects (checked without loading anything). */
  get effectsAvailable(): boolean {
    return this.camera !== undefined && effectsSupported();
  }

  /**
   * Switches the effect; on a bad image the previous effect stays and the error says why. The effect applies
   * the new mode before `videoTrack` moves to its track, so a switch away from `none` never publishes a raw
   * frame from the effect's track.
   */
  setMode(mode: EffectMode): Promise<void> {
    // One switch at a time, so quick clicks cannot interleave and leave videoTrack on the wrong track.
    const run = this.switching.then(() => this.applyMode(mode));
    this.switching = run.catch(() => undefined);
    return run;
  }

  private async applyMode(mode: EffectMode): Promise<void> {
    if (!this.camera || !effectsSupported())
      throw new EffectError('unsupported', 'background effects are not available in this browser');
    const before = this.videoTrack;
    let retired: BackgroundEffect | undefined;
    if (mode.kind === 'none') {
      // Nothing runs for `none`: the camera is shown as is and the effect (worker, model) is let go. The page
      // keeps the compiled runtime and model, so choosing an effect again starts in a fraction of a second.
      retired = this.effect;
      this.effect = undefined;
    } else if (!this.effect) {
      this.effect = await this.createEffect(this.camera, mode);
      this.effect.track.enabled = this.cameraState.value;
    } else {
      await this.effect.setMode(mode);
    }
    if (mode !== this.mode) uploadedImage(this.mode)?.close();
    this.setModeState(mode);
    const after = this.videoTrack;
    if (after !== before) for (const listener of this.videoTrackListeners) listener(after);
    retired?.dispose();
  }

  /** Validates an uploaded file as a background; throws EffectError with a clear message if it is not usable. */
  static async loadUpload(file: File): Promise<ImageBitmap> {
    return loadBackgroundImage(file);
  }

  stats() {
    return this.effect?.stats() ?? null;
  }

  close(): void {
    this.videoTrackListeners.clear();
    this.effect?.dispose();
    uploadedImage(this.mode)?.close();
    this.camera?.stop();
    this.audio?.stop();
  }
}

import {
  type BackgroundEffect,
  createBackgroundEffect,
  EffectError,
  type EffectMode,
  effectsSupported,
  loadBackgroundImage,
  preloadEffects,
  type StartupReport,
} from '@backdrop/effects';
import { type ReadonlySignal, signal } from '@preact/signals';
import { audioOutput, DeviceList, loadPrefs, savePrefs } from './device-list.js';
import {
  audioConstraints,
  type DeviceEntry,
  fallbackDevice,
  fallbackNotice,
  firstMediaRequest,
  matchRemembered,
  videoConstraints,
} from './devices.js';
import { askMedia, takeEarlyMedia } from './early-media.js';
import { uploadedImage } from './effect-options.js';
import { createLogger } from './log.js';
import { classifyMediaError, type DeviceFailure, describeMediaProblem } from './media-problems.js';
import { mediaPermissionsGranted } from './media-request.js';
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

/**
 * A link that names an effect has chosen it already: its runtime and model load while the page still starts,
 * asks for the camera and joins (nothing is loaded for `none`, or where effects cannot run).
 */
export function preloadChosenEffect(mode: EffectMode | undefined): void {
  if (mode && mode.kind !== 'none' && effectsSupported()) void preloadEffects(EFFECTS_FILES);
}

/** The stream of `constraints` (or of the request already made for them), or why the browser gave none. */
async function tryGet(
  constraints: MediaStreamConstraints,
  asked?: Promise<MediaStream>,
): Promise<MediaStream | DeviceFailure> {
  try {
    return await (asked ?? navigator.mediaDevices.getUserMedia(constraints));
  } catch (error) {
    log.info('getUserMedia failed', { constraints, error });
    return classifyMediaError((error as Error).name);
  }
}

export interface MediaCallbacks {
  onProgress(fraction: number | null, label: string): void;
  onReady(): void;
  onEffectError(message: string): void;
  /** A device went away and what happened instead (`data-notice` names it for scripts). */
  onDeviceNotice?(text: string, notice: DeviceNotice): void;
}

/** Why a device notice is shown: another device took over, or none was left and the kind is off. */
export type DeviceNotice = 'device-fallback' | 'device-off';

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
  /** Whether the microphone should send once it is there (a host's mute can come before it does). */
  private micWanted = true;
  private readonly microphoneStartingState = signal(false);
  /**
   * Why the microphone of a camera-first open failed, once it settled (undefined: it came, or `open` waited
   * for it and its `problem` said so).
   */
  microphoneProblem: Promise<string | undefined> = Promise.resolve(undefined);
  private readonly cameraState = signal(true);
  private readonly videoTrackListeners = new Set<(track: MediaStreamTrack | undefined) => void>();
  private readonly audioTrackListeners = new Set<(track: MediaStreamTrack) => void>();
  private switching: Promise<void> = Promise.resolve();
  private readonly cameraTrack = signal<MediaStreamTrack | undefined>(undefined);
  private readonly audioTrack = signal<MediaStreamTrack | undefined>(undefined);
  private readonly processingState = signal(loadPrefs().audioProcessing);
  /** The devices the browser lists, kept current (the settings panel shows them). */
  readonly deviceList = new DeviceList();
  private closed = false;

  private constructor(audio: MediaStreamTrack | undefined, camera: MediaStreamTrack | undefined) {
    this.adoptCamera(camera);
    this.adoptAudio(audio);
    this.videoState.value = camera;
    this.micState.value = audio?.enabled ?? false;
  }

  /** The camera track in use (a switch or an unplug replaces it). */
  get camera(): MediaStreamTrack | undefined {
    return this.cameraTrack.value;
  }

  /** The microphone track in use (published as is; a switch replaces it on the sender). */
  get audio(): MediaStreamTrack | undefined {
    return this.audioTrack.value;
  }

  /** Whether echo cancellation, noise suppression and auto gain are on. */
  get audioProcessing(): ReadonlySignal<boolean> {
    return this.processingState;
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

  /** Whether the microphone of a camera-first open is still being opened (the camera is there already). */
  get microphoneStarting(): ReadonlySignal<boolean> {
    return this.microphoneStartingState;
  }

  /**
   * Mutes or unmutes the microphone (track.enabled: the SFU keeps the stream, unmuting is instant). Before a
   * starting microphone is there, remembered for it.
   */
  setMicEnabled(on: boolean): void {
    this.micWanted = on;
    if (!this.audio) return;
    this.audio.enabled = on;
    this.micState.value = on;
  }

  /** Whether the camera is on, as a signal. */
  get cameraOn(): ReadonlySignal<boolean> {
    return this.cameraState;
  }

  /**
   * Opens camera and microphone; either may be missing (denied, absent, busy), which `problem` explains. Where
   * the site may use both already, the camera is asked for first and `open` returns with it: the microphone
   * follows (`microphoneStarting` until then, `microphoneProblem` says if it failed).
   */
  static async open(): Promise<{ media: LocalMedia; problem?: string }> {
    if (!navigator.mediaDevices?.getUserMedia) {
      return {
        media: new LocalMedia(undefined, undefined),
        problem: 'This browser cannot use a camera or microphone here (a secure https:// page is needed).',
      };
    }
    // The remembered devices by id (valid while this site keeps its permission); a label match follows in
    // restoreRemembered() once labels can be read.
    const prefs = loadPrefs();
    const video = videoConstraints(undefined);
    const mic = audioConstraints(undefined, prefs.audioProcessing);
    // The remembered devices first, exactly (Chromium gave the default for an `ideal` id here), else the
    // defaults. The page's early script (early-media.ts) may have made this very request already.
    const first = firstMediaRequest(prefs);
    const ask =
      (await takeEarlyMedia(first)) ??
      askMedia(first, await mediaPermissionsGranted(), (c) => navigator.mediaDevices.getUserMedia(c));
    if (ask.kind === 'apart') {
      const camera = tryGet({ video: first.video ?? false }, ask.camera).then((got) =>
        typeof got === 'string' && prefs.videoinput ? tryGet({ video }) : got,
      );
      const microphone = tryGet({ audio: first.audio ?? false }, ask.microphone).then((got) =>
        typeof got === 'string' && prefs.audioinput ? tryGet({ audio: mic }) : got,
      );
      const cameraGot = await camera;
      // Without a camera there is nothing to show sooner: both failures in one message.
      if (typeof cameraGot === 'string') return LocalMedia.fromEach(cameraGot, await microphone);
      const media = new LocalMedia(undefined, cameraGot.getVideoTracks()[0]);
      media.awaitMicrophone(microphone);
      return { media };
    }
    const firstResult = await tryGet(first, ask.stream);
    const both =
      typeof firstResult !== 'string' || !(prefs.videoinput || prefs.audioinput)
        ? firstResult
        : await tryGet({ audio: mic, video });
    // If that fails, each device on its own, so a missing microphone does not cost the camera or the other
    // way round.
    if (typeof both !== 'string') {
      const media = new LocalMedia(both.getAudioTracks()[0], both.getVideoTracks()[0]);
      media.restoreInBackground();
      return { media };
    }
    return LocalMedia.fromEach(await tryGet({ video }), await tryGet({ audio: mic }));
  }

  /** The media from a camera request and a microphone request of their own (either may have failed). */
  private static fromEach(
    cameraOnly: MediaStream | DeviceFailure,
    micOnly: MediaStream | DeviceFailure,
  ): { media: LocalMedia; problem?: string } {
    const camera = typeof cameraOnly === 'string' ? undefined : cameraOnly.getVideoTracks()[0];
    const audio = typeof micOnly === 'string' ? undefined : micOnly.getAudioTracks()[0];
    const problem = describeMediaProblem(
      typeof cameraOnly === 'string' ? cameraOnly : undefined,
      typeof micOnly === 'string' ? micOnly : undefined,
    );
    const media = new LocalMedia(audio, camera);
    media.restoreInBackground();
    return { media, ...(problem ? { problem } : {}) };
  }

  /**
   * The microphone of a camera-first open: adopted when it comes (muted if a host muted us meanwhile), or its
   * failure told by `microphoneProblem`. Arriving after close(), or after a microphone chosen meanwhile, it is
   * stopped.
   */
  private awaitMicrophone(microphone: Promise<MediaStream | DeviceFailure>): void {
    this.microphoneStartingState.value = true;
    this.microphoneProblem = microphone.then((got) => {
      this.microphoneStartingState.value = false;
      const track = typeof got === 'string' ? undefined : got.getAudioTracks()[0];
      // Closed meanwhile, or another microphone was chosen in the settings before this one came: not used.
      if (this.closed || this.audio !== undefined) {
        track?.stop();
        return undefined;
      }
      if (track) {
        track.enabled = this.micWanted;
        this.useMicrophone(track);
      }
      this.restoreInBackground();
      return typeof got === 'string' ? describeMediaProblem(undefined, got) : undefined;
    });
  }

  /**
   * restoreRemembered() off the start's path: listing the devices takes 10-200 ms, and the effect, the join and
   * the publish need not wait for it. A switch it makes goes through the same queue as the effect's start
   * (`switching`), and a switch with an effect on swaps processed tracks only, so no raw frame is published.
   */
  private restoreInBackground(): void {
    void this.restoreRemembered().catch((error: unknown) => {
      log.warn('could not restore the remembered devices', { error });
    });
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
      // The camera is shown as is. An effect that ran stays, idle (no frames processed, nothing output), with
      // its worker, compiled runtime and model loaded: choosing an effect again applies from the next frame.
      // A failed one is let go, so the next choice starts afresh (the page keeps what it compiled). Not
      // awaited: the camera shows at once even while a starting worker has yet to read the message.
      const current = this.effect;
      if (current?.state === 'failed') {
        retired = current;
        this.effect = undefined;
      } else if (current) {
        current.suspend().catch(() => {
          if (this.effect !== current) return;
          this.effect = undefined;
          current.dispose();
        });
      }
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

  /** Calls `listener` when the microphone track is replaced (a switch or a fallback); returns the unsubscribe. */
  onAudioTrackChange(listener: (track: MediaStreamTrack) => void): () => void {
    this.audioTrackListeners.add(listener);
    return () => this.audioTrackListeners.delete(listener);
  }

  /** The device id a track was opened on ('' when the browser does not say). */
  static deviceIdOf(track: MediaStreamTrack | undefined): string {
    return track?.getSettings().deviceId ?? '';
  }

  /** Takes a camera track into use: an `ended` (unplugged, revoked) moves to another camera or to off. */
  private adoptCamera(track: MediaStreamTrack | undefined): void {
    this.cameraTrack.value = track;
    track?.addEventListener('ended', () => {
      if (this.cameraTrack.peek() === track) void this.onDeviceLost('videoinput', track);
    });
  }

  /** `track` becomes the microphone in use: its state shows, and the call's publisher follows it. */
  private useMicrophone(track: MediaStreamTrack): void {
    this.adoptAudio(track);
    this.micState.value = track.enabled;
    for (const listener of this.audioTrackListeners) listener(track);
  }

  private adoptAudio(track: MediaStreamTrack | undefined): void {
    this.audioTrack.value = track;
    track?.addEventListener('ended', () => {
      if (this.audioTrack.peek() === track) void this.onDeviceLost('audioinput', track);
    });
  }

  /** After permission (labels readable): the remembered device matched by label when its id had changed. */
  private async restoreRemembered(): Promise<void> {
    const devices = await this.deviceList.refresh();
    const prefs = loadPrefs();
    const camera = matchRemembered(devices, 'videoinput', prefs.videoinput);
    const mic = matchRemembered(devices, 'audioinput', prefs.audioinput);
    if (this.camera && camera && camera.deviceId !== LocalMedia.deviceIdOf(this.camera))
      await this.switchCamera(camera.deviceId, { remember: false }).catch(() => undefined);
    if (this.audio && mic && mic.deviceId !== LocalMedia.deviceIdOf(this.audio))
      await this.switchMicrophone(mic.deviceId, { remember: false }).catch(() => undefined);
    const speaker = matchRemembered(devices, 'audiooutput', prefs.audiooutput);
    if (speaker) audioOutput.value = speaker.deviceId;
  }

  /**
   * Moves to another camera. With an effect on, a new effect is started on the new camera with the same mode
   * and is swapped in once its model runs, so the published track goes from one processed track to the
   * other (the sender's replaceTrack) and never carries a raw frame; the old camera keeps the picture until
   * then. With `none`, the new camera is published directly. Remembered for the next visit.
   */
  switchCamera(deviceId: string, options: { remember?: boolean } = {}): Promise<void> {
    const run = this.switching.then(() => this.applyCamera(deviceId, options.remember ?? true));
    this.switching = run.catch(() => undefined);
    return run;
  }

  private async applyCamera(deviceId: string, remember: boolean): Promise<void> {
    if (this.closed) return;
    const stream = await navigator.mediaDevices.getUserMedia({ video: videoConstraints(deviceId) });
    const fresh = stream.getVideoTracks()[0];
    if (!fresh) throw new Error('no camera track');
    if (this.closed) {
      fresh.stop();
      return;
    }
    const oldCamera = this.cameraTrack.peek();
    // A camera chosen after none was left (or found again) turns the picture back on.
    if (oldCamera === undefined) this.setCameraEnabled(true);
    fresh.enabled = this.cameraState.peek();
    const before = this.videoTrack;
    let retired: BackgroundEffect | undefined;
    if (this.mode.kind === 'none') {
      // An idle effect is bound to the old camera (its own clone would keep that camera on): let it go; the page
      // keeps the compiled runtime and model for the next effect.
      retired = this.effect;
      this.effect = undefined;
    } else if (effectsSupported()) {
      let next: BackgroundEffect;
      try {
        next = await this.createEffect(fresh, this.mode);
        next.track.enabled = this.cameraState.peek();
        // NOTE: the model loads from the page's cache (well under a second); until then the old effect runs.
        await next.whenReady();
      } catch (error) {
        fresh.stop();
        throw error;
      }
      retired = this.effect;
      this.effect = next;
    }
    this.adoptCamera(fresh);
    this.videoState.value = this.videoTrack;
    const after = this.videoTrack;
    if (after !== before) for (const listener of this.videoTrackListeners) listener(after);
    retired?.dispose();
    oldCamera?.stop();
    if (remember) this.remember('videoinput', fresh);
    void this.deviceList.refresh();
  }

  /** Moves to another microphone (or re-opens this one with new processing); the sender follows. */
  switchMicrophone(deviceId: string, options: { remember?: boolean } = {}): Promise<void> {
    const run = this.switching.then(() => this.applyMicrophone(deviceId, options.remember ?? true));
    this.switching = run.catch(() => undefined);
    return run;
  }

  private async applyMicrophone(deviceId: string, remember: boolean): Promise<void> {
    if (this.closed) return;
    const processing = this.processingState.peek();
    const stream = await navigator.mediaDevices.getUserMedia({
      audio: audioConstraints(deviceId, processing),
    });
    const fresh = stream.getAudioTracks()[0];
    if (!fresh) throw new Error('no microphone track');
    if (this.closed) {
      fresh.stop();
      return;
    }
    const old = this.audioTrack.peek();
    // A microphone found again after none was left starts muted: it was not sending before.
    fresh.enabled = old ? this.micState.peek() : false;
    this.useMicrophone(fresh);
    old?.stop();
    if (remember) this.remember('audioinput', fresh);
    void this.deviceList.refresh();
  }

  /**
   * Echo cancellation, noise suppression and auto gain on or off (off for music). The microphone is opened
   * again with the new constraints: Chromium does not apply these through applyConstraints on a live track.
   */
  async setAudioProcessing(on: boolean): Promise<void> {
    this.processingState.value = on;
    savePrefs({ audioProcessing: on });
    const mic = this.audioTrack.peek();
    if (mic) await this.switchMicrophone(LocalMedia.deviceIdOf(mic), { remember: false });
  }

  /** Plays remote audio on this speaker (where the browser can choose); remembered. */
  setSpeaker(deviceId: string): void {
    audioOutput.value = deviceId;
    const device = this.deviceList.devices.find((d) => d.kind === 'audiooutput' && d.deviceId === deviceId);
    savePrefs({ audiooutput: { deviceId, label: device?.label ?? '' } });
  }

  private remember(kind: 'videoinput' | 'audioinput', track: MediaStreamTrack): void {
    savePrefs({ [kind]: { deviceId: LocalMedia.deviceIdOf(track), label: track.label } });
  }

  /** A device in use went away: another of its kind, or off; either way a notice says so. */
  private async onDeviceLost(kind: 'videoinput' | 'audioinput', lost: MediaStreamTrack): Promise<void> {
    if (this.closed) return;
    log.warn('device lost', { kind, label: lost.label });
    const devices = await this.deviceList.refresh();
    const settings = lost.getSettings();
    let next: DeviceEntry | undefined = fallbackDevice(devices, kind, {
      deviceId: settings.deviceId ?? '',
      groupId: settings.groupId,
    });
    if (next) {
      try {
        if (kind === 'videoinput') await this.switchCamera(next.deviceId, { remember: false });
        else await this.switchMicrophone(next.deviceId, { remember: false });
      } catch (error) {
        log.warn('fallback device failed', { kind, error });
        next = undefined;
      }
    }
    if (!next) this.turnOff(kind);
    this.callbacks?.onDeviceNotice?.(fallbackNotice(kind, next), next ? 'device-fallback' : 'device-off');
  }

  /** No device of this kind is left: off, so the tile shows the avatar instead of a frozen frame. */
  private turnOff(kind: 'videoinput' | 'audioinput'): void {
    if (kind === 'videoinput') {
      this.cameraState.value = false;
      if (this.effect) this.effect.track.enabled = false;
      this.cameraTrack.value = undefined;
      this.videoState.value = this.videoTrack;
    } else {
      this.audioTrack.value = undefined;
      this.micState.value = false;
    }
  }

  /** Validates an uploaded file as a background; throws EffectError with a clear message if it is not usable. */
  static async loadUpload(file: File): Promise<ImageBitmap> {
    return loadBackgroundImage(file);
  }

  /** The running effect's figures (null with `none`, even while an idle effect is kept). */
  stats() {
    return this.mode.kind === 'none' ? null : (this.effect?.stats() ?? null);
  }

  close(): void {
    this.closed = true;
    this.deviceList.close();
    this.videoTrackListeners.clear();
    this.audioTrackListeners.clear();
    this.effect?.dispose();
    uploadedImage(this.mode)?.close();
    this.camera?.stop();
    this.audio?.stop();
  }
}

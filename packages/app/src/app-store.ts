import { batch, type ReadonlySignal, type Signal, signal } from '@preact/signals';
import type { CallSession, CallSessionOptions } from './call-session.js';
import { type CallEnd, nameRefusal, passwordRefusal } from './connection.js';
import { createLogger } from './log.js';
import type { DeviceNotice, LocalMedia } from './media.js';
import type { PageParams } from './params.js';
import { holdsCall, type Screen, type ScreenEvent, transition } from './screen.js';
import { rememberName } from './stored-name.js';

const log = createLogger('app');

/** A line of text for the user; `kind` colours it. */
export interface Message {
  text: string;
  kind: 'error' | 'info';
  /** Marks a message scripts look for (`data-notice`). */
  notice?: DeviceNotice;
}

/** Opens the camera and microphone and starts the link's effect (LocalMedia in the page; a fake in tests). */
export type OpenMedia = (callbacks: {
  onProgress(fraction: number | null): void;
  onReady(): void;
  onEffectError(text: string): void;
  onDeviceNotice(text: string, notice: DeviceNotice): void;
}) => Promise<{ media: LocalMedia; problem?: string }>;

export interface AppStoreDeps {
  params: PageParams;
  openMedia: OpenMedia;
  createSession(options: Omit<CallSessionOptions, 'signalingUrl' | 'iceTransportPolicy'>): CallSession;
}

/**
 * The page's state and the owners behind it: the screen (changed only by `dispatch`, through `transition`),
 * the local media (opened by the lobby, kept through calls and rejoins, closed on "Back to lobby"), and the
 * call session of the current attempt (created when a call starts, closed when the screen leaves the call).
 */
export class AppStore {
  private readonly screenSignal: Signal<Screen>;
  private readonly mediaSignal = signal<LocalMedia | undefined>(undefined);
  private readonly sessionSignal = signal<CallSession | undefined>(undefined);
  /** The lobby's message line (camera problems, effect errors, picker refusals). */
  readonly lobbyMessage = signal<Message>({ text: '', kind: 'info' });
  /** The effect model's download: undefined when not loading, null when its size is unknown. */
  readonly modelProgress = signal<number | null | undefined>(undefined);
  /** The media's opening while under way: the media, or undefined if it failed (the page has said why). */
  private opening: Promise<LocalMedia | undefined> | undefined;
  /** The room password typed in the lobby, for this page's joins (never in the screen state, never logged). */
  private password: string | undefined;

  constructor(
    initial: Screen,
    readonly deps: AppStoreDeps,
  ) {
    this.screenSignal = signal(initial);
  }

  get screen(): ReadonlySignal<Screen> {
    return this.screenSignal;
  }

  /** The camera and microphone, once open. */
  get media(): ReadonlySignal<LocalMedia | undefined> {
    return this.mediaSignal;
  }

  /** The call of the current attempt (while the screen is `call` or `waiting`). */
  get session(): ReadonlySignal<CallSession | undefined> {
    return this.sessionSignal;
  }

  /** Moves to the next screen, starting or closing the call session and the media as the move implies. */
  dispatch(event: ScreenEvent): void {
    const before = this.screenSignal.peek();
    const after = transition(before, event);
    if (after === before) {
      log.debug('event ignored', { screen: before.kind, event: event.type });
      return;
    }
    if (event.type === 'join') this.password = event.password;
    batch(() => {
      const newAttempt = holdsCall(after) && (!holdsCall(before) || before.attempt !== after.attempt);
      if (holdsCall(before) && (!holdsCall(after) || newAttempt)) this.closeSession();
      if (event.type === 'backToLobby') this.releaseMedia();
      this.screenSignal.value = after;
      if (newAttempt) this.startSession(after.room, after.name);
    });
  }

  /**
   * Opens the media for the lobby, once (a second call while it is open or opening does nothing). A call
   * started meanwhile (an autojoin link) gets it when it is open, and a problem with it in its banner.
   */
  openMedia(): Promise<void> {
    if (this.mediaSignal.peek()) return Promise.resolve();
    return this.mediaOpening().then(() => undefined);
  }

  private mediaOpening(): Promise<LocalMedia | undefined> {
    this.opening ??= this.deps
      .openMedia({
        onProgress: (fraction) => {
          this.modelProgress.value = fraction;
        },
        onReady: () => {
          this.modelProgress.value = undefined;
        },
        // During a call the banner says it; in the lobby, the lobby's message line.
        onEffectError: (text) => {
          const session = this.sessionSignal.peek();
          if (session) session.showMessage(text, 'error');
          else this.lobbyMessage.value = { text, kind: 'error' };
        },
        // A device unplugged: where the user is looking (the call's banner, or the lobby's line).
        onDeviceNotice: (text, notice) => {
          const session = this.sessionSignal.peek();
          if (session) session.showMessage(text, 'info', notice);
          else this.lobbyMessage.value = { text, kind: 'info', notice };
        },
      })
      .then(({ media, problem }): LocalMedia => {
        if (problem) this.showMediaProblem(problem);
        // A microphone that follows the camera (a camera-first open) tells its own failure when it settles.
        void media.microphoneProblem.then((late) => {
          if (late && this.mediaSignal.peek() === media) this.showMediaProblem(late);
        });
        this.mediaSignal.value = media;
        return media;
      })
      .catch((error: unknown) => {
        log.error('lobby failed', { error });
        this.dispatch({ type: 'failed', message: String(error) });
        return undefined;
      })
      .finally(() => {
        this.opening = undefined;
      });
    return this.opening;
  }

  /** A camera or microphone problem: in the lobby's message line and in a running call's banner. */
  private showMediaProblem(problem: string): void {
    this.lobbyMessage.value = { text: problem, kind: 'error' };
    this.sessionSignal.peek()?.showMessage(problem, 'error');
  }

  private startSession(roomName: string, name: string): void {
    // An autojoin link joins while the camera opens (the session publishes once it is open).
    const media = this.mediaSignal.peek() ?? this.opening;
    if (!media) {
      this.dispatch({ type: 'failed', message: 'The camera and microphone were not ready.' });
      return;
    }
    const session: CallSession = this.deps.createSession({
      roomName,
      name,
      media,
      ...(this.deps.params.hostKey !== undefined && { hostKey: this.deps.params.hostKey }),
      ...(this.password !== undefined && { password: this.password }),
      onJoined: () => {
        if (this.sessionSignal.peek() === session) this.dispatch({ type: 'joined' });
      },
      onWaiting: () => {
        if (this.sessionSignal.peek() === session) this.dispatch({ type: 'waiting' });
      },
      onAdmitted: () => {
        if (this.sessionSignal.peek() === session) this.dispatch({ type: 'admitted' });
      },
      onEnd: (how) => {
        if (this.sessionSignal.peek() === session) this.endCall(how);
      },
    });
    this.sessionSignal.value = session;
    void session.start();
  }

  private endCall(how: CallEnd): void {
    const passwordProblem = how.kind === 'join-failed' ? passwordRefusal(how.error) : undefined;
    if (passwordProblem !== undefined) {
      // Same lobby, same camera, same name: the password field, with why.
      this.dispatch({ type: 'passwordRefused', message: passwordProblem });
      return;
    }
    const refused = how.kind === 'join-failed' ? nameRefusal(how.error) : undefined;
    if (refused === undefined) {
      this.dispatch({ type: 'ended', end: how });
      return;
    }
    // Same lobby, same camera: only the name has to change.
    rememberName('');
    this.dispatch({ type: 'nameRefused', message: refused });
  }

  private closeSession(): void {
    this.sessionSignal.peek()?.close();
    this.sessionSignal.value = undefined;
  }

  private releaseMedia(): void {
    this.mediaSignal.peek()?.close();
    this.mediaSignal.value = undefined;
    this.lobbyMessage.value = { text: '', kind: 'info' };
    this.modelProgress.value = undefined;
  }
}

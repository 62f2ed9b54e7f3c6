import { describe, expect, it } from 'vitest';
import { AppStore, type AppStoreDeps } from './app-store.js';
import type { CallSession, CallSessionOptions } from './call-session.js';
import type { DeviceNotice, LocalMedia } from './media.js';
import type { Screen } from './screen.js';

type SessionOptions = Omit<CallSessionOptions, 'signalingUrl' | 'iceTransportPolicy'>;

/** A session that records what the store asks of it; the test plays the Room's part through its options. */
class FakeSession {
  closed = 0;
  started = 0;
  messages: string[] = [];
  constructor(readonly options: SessionOptions) {}
  async start() {
    this.started++;
  }
  close() {
    this.closed++;
  }
  notices: (string | undefined)[] = [];
  showMessage(text: string, _kind?: string, notice?: string) {
    this.messages.push(text);
    this.notices.push(notice);
  }
}

function setup(initial: Screen = { kind: 'lobby', room: 'r', name: 'Ada', autojoin: false }) {
  const sessions: FakeSession[] = [];
  const medias: { closed: number }[] = [];
  let effectError: ((text: string) => void) | undefined;
  let deviceNotice: ((text: string, notice: DeviceNotice) => void) | undefined;
  let settleMicrophone: (problem: string | undefined) => void = () => undefined;
  const microphoneProblem = new Promise<string | undefined>((resolve) => (settleMicrophone = resolve));
  const deps: AppStoreDeps = {
    params: {
      name: undefined,
      autojoin: false,
      effect: undefined,
      hostKey: undefined,
      tiles: undefined,
      layout: undefined,
      problems: [],
    },
    async openMedia(callbacks) {
      effectError = callbacks.onEffectError;
      deviceNotice = callbacks.onDeviceNotice;
      const media = { closed: 0, close: () => void media.closed++, microphoneProblem };
      medias.push(media);
      return { media: media as unknown as LocalMedia, problem: 'no microphone' };
    },
    createSession(options) {
      const session = new FakeSession(options);
      sessions.push(session);
      return session as unknown as CallSession;
    },
  };
  const store = new AppStore(initial, deps);
  return {
    store,
    sessions,
    medias,
    effectError: (text: string) => effectError?.(text),
    deviceNotice: (text: string, notice: DeviceNotice) => deviceNotice?.(text, notice),
    settleMicrophone: (problem: string | undefined) => settleMicrophone(problem),
  };
}

describe('AppStore', () => {
  it('opens the media once, and says what is missing', async () => {
    const { store, medias } = setup();
    await Promise.all([store.openMedia(), store.openMedia()]);
    await store.openMedia();
    expect(medias).toHaveLength(1);
    expect(store.media.value).toBe(medias[0]);
    expect(store.lobbyMessage.value).toEqual({ text: 'no microphone', kind: 'error' });
  });

  it('says so when a microphone that follows the camera fails', async () => {
    const { store, settleMicrophone } = setup();
    await store.openMedia();
    store.lobbyMessage.value = { text: '', kind: 'info' };
    settleMicrophone('The microphone is in use by another app.');
    await new Promise((r) => setTimeout(r, 0));
    expect(store.lobbyMessage.value).toEqual({
      text: 'The microphone is in use by another app.',
      kind: 'error',
    });
  });

  it('Join starts one session with the same media; joined and ended move the screen and close it', async () => {
    const { store, sessions } = setup();
    await store.openMedia();
    store.dispatch({ type: 'join', name: 'Grace' });
    store.dispatch({ type: 'join', name: 'Grace' });
    expect(sessions).toHaveLength(1);
    const [session] = sessions;
    expect(session!.started).toBe(1);
    expect(session!.options).toMatchObject({ roomName: 'r', name: 'Grace', media: store.media.value });
    expect(store.session.value).toBe(session);
    session!.options.onJoined();
    expect(store.screen.value).toMatchObject({ kind: 'call', phase: 'in-call' });
    session!.options.onEnd({ kind: 'left' });
    expect(store.screen.value).toMatchObject({ kind: 'ended', end: { kind: 'left' } });
    expect(session!.closed).toBe(1);
    expect(store.session.value).toBeUndefined();
  });

  it('a Join while the media opens starts the session at once, with the opening; its problem goes to the call', async () => {
    const { store, sessions, medias } = setup();
    const opening = store.openMedia();
    store.dispatch({ type: 'join', name: 'Grace' });
    expect(sessions).toHaveLength(1);
    expect(sessions[0]!.started).toBe(1);
    expect(store.media.value).toBeUndefined();
    const media = sessions[0]!.options.media;
    expect(media).toBeInstanceOf(Promise);
    await opening;
    expect(await media).toBe(medias[0]);
    expect(store.media.value).toBe(medias[0]);
    expect(sessions[0]!.messages).toEqual(['no microphone']);
  });

  it('a Join with no media and none opening fails the page (nothing to publish)', () => {
    const { store, sessions } = setup();
    store.dispatch({ type: 'join', name: 'Grace' });
    expect(sessions).toHaveLength(0);
    expect(store.screen.value).toMatchObject({ kind: 'failed' });
  });

  it('media that cannot open gives a session waiting on it undefined, and fails the page', async () => {
    const { store, sessions } = setup();
    store.deps.openMedia = () => Promise.reject(new Error('no devices at all'));
    const opening = store.openMedia();
    store.dispatch({ type: 'join', name: 'Grace' });
    const media = sessions[0]!.options.media;
    await opening;
    expect(await media).toBeUndefined();
    expect(store.screen.value).toEqual({ kind: 'failed', message: 'Error: no devices at all' });
    expect(sessions[0]!.closed).toBe(1);
  });

  it('Rejoin is a new session on the same media; Back to lobby closes the media', async () => {
    const { store, sessions, medias } = setup();
    await store.openMedia();
    store.dispatch({ type: 'join', name: 'Ada' });
    sessions[0]!.options.onEnd({ kind: 'join-failed', error: new Error('offline') });
    store.dispatch({ type: 'rejoin' });
    expect(sessions).toHaveLength(2);
    expect(sessions[1]!.options.media).toBe(medias[0]);
    // A late report from the first session changes nothing.
    sessions[0]!.options.onJoined();
    expect(store.screen.value).toMatchObject({ kind: 'call', phase: 'joining', attempt: 2 });
    sessions[1]!.options.onEnd({ kind: 'left' });
    store.dispatch({ type: 'backToLobby' });
    expect(medias[0]!.closed).toBe(1);
    expect(store.media.value).toBeUndefined();
    expect(store.screen.value).toEqual({ kind: 'lobby', room: 'r', name: 'Ada', autojoin: false });
  });

  it('a refused name goes back to the lobby with the reason, keeping the media', async () => {
    const { store, sessions, medias } = setup();
    await store.openMedia();
    store.dispatch({ type: 'join', name: 'M' });
    sessions[0]!.options.onEnd({
      kind: 'join-failed',
      error: Object.assign(new Error('bidi'), { serverCode: 'invalid_name' }),
    });
    expect(store.screen.value).toMatchObject({ kind: 'lobby', name: 'M' });
    expect((store.screen.value as { nameError?: string }).nameError).toMatch(
      /^Name: This name cannot be used/,
    );
    expect(medias[0]!.closed).toBe(0);
    expect(sessions[0]!.closed).toBe(1);
  });

  it('a room password asked for goes back to the lobby with its field; the typed one goes to the next session', async () => {
    const { store, sessions, medias } = setup();
    await store.openMedia();
    store.dispatch({ type: 'join', name: 'Ada' });
    expect(sessions[0]!.options.password).toBeUndefined();
    sessions[0]!.options.onEnd({
      kind: 'join-failed',
      error: Object.assign(new Error('pw'), { serverCode: 'password_required' }),
    });
    expect(store.screen.value).toMatchObject({ kind: 'lobby', name: 'Ada', autojoin: false });
    expect((store.screen.value as { password?: { error: string } }).password?.error).toMatch(
      /has a password/,
    );
    store.dispatch({ type: 'join', name: 'Ada', password: 'wrong' });
    expect(sessions[1]!.options.password).toBe('wrong');
    sessions[1]!.options.onEnd({
      kind: 'join-failed',
      error: Object.assign(new Error('pw'), { serverCode: 'wrong_password' }),
    });
    expect((store.screen.value as { password?: { error: string } }).password?.error).toMatch(
      /not this meeting/,
    );
    // The password never sits in the screen state (which is logged and rendered).
    expect(JSON.stringify(store.screen.value)).not.toContain('wrong"');
    expect(medias[0]!.closed).toBe(0);
  });

  it('waiting keeps the same session through admission', async () => {
    const { store, sessions } = setup();
    await store.openMedia();
    store.dispatch({ type: 'join', name: 'Ada' });
    sessions[0]!.options.onWaiting();
    expect(store.screen.value.kind).toBe('waiting');
    sessions[0]!.options.onAdmitted();
    expect(store.screen.value).toMatchObject({ kind: 'call', phase: 'joining', attempt: 1 });
    expect(sessions).toHaveLength(1);
    expect(sessions[0]!.closed).toBe(0);
    expect(store.session.value).toBe(sessions[0]);
  });

  it('an effect error goes to the call banner during a call, else to the lobby line', async () => {
    const { store, sessions, effectError } = setup();
    await store.openMedia();
    effectError('model failed');
    expect(store.lobbyMessage.value).toEqual({ text: 'model failed', kind: 'error' });
    store.dispatch({ type: 'join', name: 'Ada' });
    effectError('worker died');
    expect(sessions[0]!.messages).toEqual(['worker died']);
  });

  it('a device notice goes to the lobby line (marked) before a call, and to the call banner during one', async () => {
    const { store, sessions, deviceNotice } = setup();
    await store.openMedia();
    deviceNotice('camera gone', 'device-off');
    expect(store.lobbyMessage.value).toEqual({ text: 'camera gone', kind: 'info', notice: 'device-off' });
    store.dispatch({ type: 'join', name: 'Ada' });
    deviceNotice('now using USB', 'device-fallback');
    expect(sessions[0]!.messages).toEqual(['now using USB']);
    expect(sessions[0]!.notices).toEqual(['device-fallback']);
  });
});

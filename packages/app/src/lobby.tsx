import { DisplayName, MAX_PASSWORD_CHARS, RoomPassword } from '@backdrop/protocol';
import { useComputed } from '@preact/signals';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { AppStore } from './app-store.js';
import { participantView } from './participants.js';
import { EffectPicker } from './picker.js';
import type { Screen } from './screen.js';
import { DeviceSettings } from './settings.js';
import { rememberName, storedName } from './stored-name.js';
import { Tile } from './tile.js';

type LobbyState = Extract<Screen, { kind: 'lobby' }>;

/** The room's link with a Copy button, so the first person can invite the others. */
function InviteLink({ roomName }: { roomName: string }) {
  const url = `${location.origin}/r/${roomName}`;
  const [label, setLabel] = useState('Copy link');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(url);
      setLabel('Copied');
    } catch {
      setLabel('Select and copy');
    }
  };
  return (
    <p class="invite">
      <span class="invite-url">{url}</span>
      <button type="button" class="small" onClick={() => void copy()}>
        {label}
      </button>
    </p>
  );
}

/** The model's download bar: hidden when nothing loads, indeterminate when its size is unknown. */
function ModelProgress({ fraction }: { fraction: number | null | undefined }) {
  const bar = useRef<HTMLProgressElement>(null);
  useEffect(() => {
    const el = bar.current;
    if (!el) return;
    if (fraction === null || fraction === undefined) el.removeAttribute('value');
    else el.value = fraction;
  }, [fraction]);
  return (
    <progress
      ref={bar}
      class="model-progress"
      max={1}
      hidden={fraction === undefined}
      aria-label="Loading the background model"
    />
  );
}

/**
 * The lobby: your preview with the background picker, your name, and Join; when the server asked for the
 * room's password (or refused the one given), its field `input[data-password-input]` with the reason in
 * `[data-password-error]`, and Join tries again with the same camera, no reload.
 */
export function LobbyScreen({ store, screen }: { store: AppStore; screen: LobbyState }) {
  const media = store.media.value;
  const { params } = store.deps;
  const nameInput = useRef<HTMLInputElement>(null);
  const passwordInput = useRef<HTMLInputElement>(null);
  const [passwordError, setPasswordError] = useState(screen.password?.error ?? '');
  const [nameError, setNameError] = useState(screen.nameError ?? '');
  const previewName = params.name ?? (storedName() || '?');
  const preview = useComputed(() => {
    const track = store.media.value?.video.value;
    const tracks = track ? [track] : [];
    return participantView({
      id: 'local',
      name: previewName,
      local: true,
      stream: new MediaStream(tracks),
      tracks,
    });
  });

  useEffect(() => {
    void store.openMedia();
  }, []);

  useEffect(() => {
    if (screen.nameError !== undefined) nameInput.current?.focus();
    else if (screen.password !== undefined) passwordInput.current?.focus();
  }, []);

  const join = (raw: string) => {
    const name = DisplayName.safeParse(raw);
    if (!name.success) {
      setNameError(`Name: ${name.error.issues[0]?.message ?? 'invalid'}`);
      nameInput.current?.focus();
      return;
    }
    let password: string | undefined;
    if (screen.password !== undefined) {
      const typed = RoomPassword.safeParse(passwordInput.current?.value ?? '');
      if (!typed.success) {
        setPasswordError(`Password: ${typed.error.issues[0]?.message ?? 'invalid'}`);
        passwordInput.current?.focus();
        return;
      }
      password = typed.data;
    }
    rememberName(name.data);
    store.dispatch({ type: 'join', name: name.data, password });
  };

  // A script link joins by itself at once (only from the link, never after coming back): the join runs while
  // the camera opens and the effect starts, and the call publishes once they are (see CallSession.start).
  // It waits for the page's load event: joining before it, a page that had left a call and then opened another
  // room's link never fired `load` (test/p2p.e2e.test.ts, 2 runs of 2; the cause inside Chromium is not known).
  useEffect(() => {
    if (!screen.autojoin) return;
    const name = params.name;
    if (name === undefined) {
      store.lobbyMessage.value = {
        text: 'autojoin=1 needs name=… in the link as well: enter your name and press Join.',
        kind: 'error',
      };
      return;
    }
    const go = () => join(nameInput.current?.value ?? name);
    if (document.readyState === 'complete') {
      go();
      return;
    }
    addEventListener('load', go, { once: true });
    return () => removeEventListener('load', go);
  }, []);

  const message = store.lobbyMessage.value;
  const onSubmit = (event: SubmitEvent) => {
    event.preventDefault();
    join(nameInput.current?.value ?? '');
  };
  const onNameInput = () => {
    if (DisplayName.safeParse(nameInput.current?.value ?? '').success) setNameError('');
  };

  return (
    <form class="card lobby" aria-labelledby="lobby-title" data-page-state="lobby" onSubmit={onSubmit}>
      <div class="preview">
        <Tile view={preview} label="Preview" />
        <ModelProgress fraction={store.modelProgress.value} />
      </div>
      <section class="picker-slot" aria-label="Background">
        <h2>Background</h2>
        {media && (
          <EffectPicker
            media={media}
            onMessage={(text, kind) => {
              store.lobbyMessage.value = { text, kind };
            }}
          />
        )}
      </section>
      {media && (
        <details class="lobby-devices">
          <summary>Camera, microphone and speaker</summary>
          <DeviceSettings
            media={media}
            say={(text, kind) => {
              store.lobbyMessage.value = { text, kind };
            }}
          />
        </details>
      )}
      <div class="lobby-join">
        <h1 id="lobby-title">Ready to join?</h1>
        <p class="lead">
          Room <strong>{screen.room}</strong>
        </p>
        <InviteLink roomName={screen.room} />
        <label for="display-name">Your name</label>
        <input
          ref={nameInput}
          id="display-name"
          name="name"
          maxLength={64}
          autocomplete="name"
          placeholder="How others will see you"
          required
          aria-describedby="name-error"
          aria-invalid={nameError !== '' ? true : undefined}
          defaultValue={screen.name}
          onInput={onNameInput}
        />
        <p class="message error" id="name-error" role="alert">
          {nameError}
        </p>
        {screen.password !== undefined && (
          <>
            <label for="room-password">Meeting password</label>
            <input
              ref={passwordInput}
              id="room-password"
              name="password"
              type="password"
              autocomplete="off"
              maxLength={MAX_PASSWORD_CHARS}
              required
              data-password-input=""
              aria-describedby="password-error"
              aria-invalid={passwordError !== '' ? true : undefined}
              onInput={() => setPasswordError('')}
            />
            <p class="message error" id="password-error" role="alert" data-password-error="">
              {passwordError}
            </p>
          </>
        )}
        {params.problems.length > 0 && (
          <ul class="link-problems" role="alert" aria-label="Problems with this link">
            {params.problems.map((problem) => (
              <li key={problem}>{problem}</li>
            ))}
          </ul>
        )}
        <p
          class={message.text ? `message ${message.kind}` : 'message'}
          id="lobby-message"
          data-notice={message.notice}
          role="status"
          aria-live="polite"
        >
          {message.text}
        </p>
        <button type="submit" class="primary" disabled={!media}>
          {!media ? 'Starting camera…' : media.videoTrack ? 'Join' : 'Join without camera'}
        </button>
      </div>
    </form>
  );
}

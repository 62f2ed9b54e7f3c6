import { useEffect, useRef } from 'preact/hooks';
import { type CallEnd, endScreen } from './connection.js';

/** The screen after a call: why it ended, Rejoin (same name and camera), and Back to lobby. */
export function EndedScreen(props: { roomName: string; end: CallEnd; onRejoin(): void; onLobby(): void }) {
  const screen = endScreen(props.end, props.roomName);
  const rejoin = useRef<HTMLButtonElement>(null);
  useEffect(() => rejoin.current?.focus(), []);
  return (
    <section
      class={`card ended ${screen.state}`}
      aria-labelledby="ended-title"
      data-page-state={screen.state}
    >
      <h1 id="ended-title">{screen.title}</h1>
      <p class={screen.state === 'error' ? 'message error' : 'lead'} role="alert">
        {screen.detail}
      </p>
      <div class="actions">
        <button ref={rejoin} type="button" class="primary" onClick={() => props.onRejoin()}>
          Rejoin
        </button>
        <button type="button" onClick={() => props.onLobby()}>
          Back to lobby
        </button>
        <a href="/" class="link">
          Another room
        </a>
      </div>
    </section>
  );
}

/** A page that cannot go on (a malformed room link, a lobby that could not start). */
export function ErrorScreen({ title, detail }: { title: string; detail?: string }) {
  return (
    <div class="card" data-page-state="error">
      <h1>{title}</h1>
      {detail !== undefined ? <p>{detail}</p> : <a href="/">Back to Backdrop</a>}
    </div>
  );
}

import { useLayoutEffect } from 'preact/hooks';
import type { AppStore } from './app-store.js';
import { CallScreen } from './call.js';
import { EndedScreen, ErrorScreen } from './ended.js';
import { LandingScreen } from './landing.js';
import { LobbyScreen } from './lobby.js';
import { pageState } from './screen.js';
import { WaitingScreen } from './waiting.js';

/**
 * The root: renders the one current screen, and keeps `body[data-state]` (what scripts and CSS key on) and a
 * `performance.mark('backdrop:<state>')` per change in step with it.
 */
export function App({ store }: { store: AppStore }) {
  const screen = store.screen.value;
  const state = pageState(screen);
  useLayoutEffect(() => {
    document.body.dataset.state = state;
    // A performance mark per state lets a script see where the time to first remote frame goes.
    performance.mark(`backdrop:${state}`);
  }, [state]);

  switch (screen.kind) {
    case 'landing':
      return <LandingScreen pageState={state} />;
    case 'invalid-link':
      return <ErrorScreen title={screen.problem} />;
    case 'failed':
      return <ErrorScreen title="Something went wrong" detail={screen.message} />;
    case 'lobby':
      // A new key per visit: coming back (refused name, Back to lobby) starts the form afresh.
      return (
        <LobbyScreen
          key={`lobby-${screen.nameError ?? ''}-${screen.password?.error ?? ''}`}
          store={store}
          screen={screen}
        />
      );
    case 'waiting':
      return <WaitingScreen roomName={screen.room} session={store.session.value} />;
    case 'call': {
      const session = store.session.value;
      const media = store.media.value;
      if (!session) return null;
      // An autojoin link joins while the camera opens: the call shows once there is a picture to show.
      if (!media)
        return (
          <section class="card" data-page-state={state} aria-live="polite">
            <h1>Joining {screen.room}…</h1>
            <p class="lead" role="status">
              Starting camera…
            </p>
          </section>
        );
      return (
        <CallScreen
          key={`call-${screen.attempt}`}
          roomName={screen.room}
          pageState={state}
          session={session}
          media={media}
          tiles={store.deps.params.tiles}
          layout={store.deps.params.layout}
        />
      );
    }
    case 'ended':
      return (
        <EndedScreen
          roomName={screen.room}
          end={screen.end}
          onRejoin={() => store.dispatch({ type: 'rejoin' })}
          onLobby={() => store.dispatch({ type: 'backToLobby' })}
        />
      );
  }
}

import type { CallSession } from './call-session.js';

/**
 * A newcomer held by a locked room until a host admits or denies them (issue 11, item 6). The Room stays open
 * underneath (the session is the same one the call continues with); Leave gives up waiting.
 */
export function WaitingScreen({ roomName, session }: { roomName: string; session: CallSession | undefined }) {
  return (
    <section class="card waiting" aria-labelledby="waiting-title" data-page-state="waiting">
      <h1 id="waiting-title">Waiting to be let in</h1>
      <p class="lead" role="status" aria-live="polite">
        Someone in <strong>{roomName}</strong> will let you in soon.
      </p>
      <div class="actions">
        <button
          type="button"
          class="control danger"
          data-control="leave"
          disabled={!session || session.leaving.value}
          onClick={() => void session?.leave()}
        >
          {session?.leaving.value ? 'Leaving…' : 'Leave'}
        </button>
      </div>
    </section>
  );
}

import { MAX_PASSWORD_CHARS, RoomPassword, type WaitingInfo } from '@backdrop/protocol';
import { useRef, useState } from 'preact/hooks';
import type { PersonRow } from './host-controls.js';

/**
 * The participants panel: who is here (with their role) and, for a host, who waits to be let in. Props only.
 * Each person's row carries `data-participant-row` and `data-participant-name`; a host's actions on that
 * person are buttons inside it: `data-control="remove"`, and for a waiting newcomer `admit` / `deny`. A host
 * also sets or clears the room's password here (`input[data-room-password]`, `data-control="set-password"` /
 * `clear-password`); `[data-password-state="set|none"]` says which, for everyone.
 */
export function ParticipantsPanel(props: {
  people: readonly PersonRow[];
  waiting: readonly WaitingInfo[];
  isHost: boolean;
  /** The host link to share with co-hosts (shown to hosts only). */
  hostLink: string | undefined;
  onAdmit(waitingId: string): void;
  onDeny(waitingId: string): void;
  onRemove(participantId: string): void;
  onMuteAll(): void;
  /** Whether the room has a password now (everyone is told), and a host's way to set (string) or clear (null) it. */
  passwordSet: boolean;
  onSetPassword(password: string | null): void;
}) {
  return (
    <div class="participants">
      {props.isHost && props.waiting.length > 0 ? (
        <section aria-label="Waiting to be let in">
          <h3>Waiting ({props.waiting.length})</h3>
          <ul class="people waiting-list">
            {props.waiting.map((w) => (
              <li key={w.id} data-participant-row="waiting" data-participant-name={w.name}>
                <span class="person-name">{w.name}</span>
                <button
                  type="button"
                  class="control"
                  data-control="admit"
                  onClick={() => props.onAdmit(w.id)}
                >
                  Admit
                </button>
                <button
                  type="button"
                  class="control danger"
                  data-control="deny"
                  onClick={() => props.onDeny(w.id)}
                >
                  Deny
                </button>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <ul class="people" aria-label="In the meeting">
        {props.people.map((p) => (
          <li key={p.id} data-participant-row="present" data-participant-name={p.name} data-role={p.role}>
            <span class="person-name">
              {p.name}
              {p.local ? ' (you)' : ''}
            </span>
            {p.role === 'host' ? <span class="role-badge">Host</span> : null}
            {props.isHost && !p.local ? (
              <button
                type="button"
                class="control danger"
                data-control="remove"
                title={`Remove ${p.name} from the meeting`}
                onClick={() => props.onRemove(p.id)}
              >
                Remove
              </button>
            ) : null}
          </li>
        ))}
      </ul>
      {props.isHost ? (
        <div class="actions">
          <button type="button" class="control" data-control="mute-all" onClick={() => props.onMuteAll()}>
            Ask everyone to mute
          </button>
          <RoomPasswordForm passwordSet={props.passwordSet} onSetPassword={props.onSetPassword} />
          {props.hostLink ? (
            <p class="host-link">
              Host link (share only with co-hosts): <input readOnly value={props.hostLink} data-host-link />
            </p>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}

/** A host's room password: set a new one (for later joins; those in the call stay) or clear it. */
function RoomPasswordForm(props: { passwordSet: boolean; onSetPassword(password: string | null): void }) {
  const input = useRef<HTMLInputElement>(null);
  const [error, setError] = useState('');
  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    const typed = RoomPassword.safeParse(input.current?.value ?? '');
    if (!typed.success) {
      setError(`Password: ${typed.error.issues[0]?.message ?? 'invalid'}`);
      return;
    }
    setError('');
    if (input.current) input.current.value = '';
    props.onSetPassword(typed.data);
  };
  return (
    <form class="room-password" onSubmit={submit} data-password-state={props.passwordSet ? 'set' : 'none'}>
      <label for="room-password-new">
        {props.passwordSet ? 'This meeting has a password. New password:' : 'Password for newcomers:'}
      </label>
      <input
        ref={input}
        id="room-password-new"
        type="password"
        autocomplete="new-password"
        maxLength={MAX_PASSWORD_CHARS}
        data-room-password=""
        onInput={() => setError('')}
      />
      <button type="submit" class="control" data-control="set-password">
        Set password
      </button>
      {props.passwordSet ? (
        <button
          type="button"
          class="control"
          data-control="clear-password"
          onClick={() => props.onSetPassword(null)}
        >
          Remove password
        </button>
      ) : null}
      <p class="message error" role="alert">
        {error}
      </p>
    </form>
  );
}

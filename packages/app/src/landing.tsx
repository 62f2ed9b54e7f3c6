import { RoomName } from '@backdrop/protocol';
import { useState } from 'preact/hooks';
import { suggestRoomName } from './room-names.js';
import type { PageState } from './screen.js';

/** The start page: name a room (or take a suggested one) and go to its link. */
export function LandingScreen({ pageState }: { pageState: PageState }) {
  const [suggested] = useState(suggestRoomName);
  const [error, setError] = useState('');
  const onSubmit = (event: SubmitEvent) => {
    event.preventDefault();
    const input = (event.currentTarget as HTMLFormElement).elements.namedItem('room') as HTMLInputElement;
    const result = RoomName.safeParse(input.value.trim().toLowerCase());
    if (!result.success) {
      setError(result.error.issues[0]?.message ?? 'Invalid room name');
      return;
    }
    location.assign(`/r/${result.data}`);
  };
  return (
    <form class="card landing" data-page-state={pageState} onSubmit={onSubmit}>
      <h1>Backdrop</h1>
      <p class="lead">Video meetings with private, on-device background effects.</p>
      <label for="room-name">Room name</label>
      <input id="room-name" name="room" defaultValue={suggested} autocomplete="off" maxLength={64} required />
      <p class="hint">Lowercase letters, digits and hyphens. Anyone with the link can join.</p>
      <p class="message error" role="alert">
        {error}
      </p>
      <button type="submit" class="primary">
        Open room
      </button>
    </form>
  );
}

import type { Room } from '@backdrop/client';

/** What the call does about the host feature's Room events (the call session passes these). */
export interface HostHooks {
  /** The join is held in a locked room's waiting room: show the `waiting` screen. */
  onWaiting(): void;
  /** A host admitted us (the held join went through): back to the call screen, same Room. */
  onAdmitted(): void;
  /** A host asked everyone to mute: mute the microphone (the user may unmute). */
  muteMicrophone(): void;
  /** A line for the call's banner. */
  showMessage(text: string): void;
}

/**
 * Connects a Room's host-feature events to the call: waiting and admitted, a host's request to mute (the
 * browser mutes itself and says who asked; the server cannot force a microphone), and removal (the end screen
 * then comes from the SDK's `connection_lost` with CLOSE_CODES.removed, explained in connection.ts). Returns
 * what removes the listeners.
 */
export function wireHostEvents(room: Pick<Room, 'on' | 'off' | 'state'>, hooks: HostHooks): () => void {
  let waited = false;
  const onWaiting = () => {
    waited = true;
    hooks.onWaiting();
  };
  const onState = () => {
    if (waited && room.state === 'connected') {
      waited = false;
      hooks.onAdmitted();
    }
  };
  const onMute = ({ fromName }: { fromName: string }) => {
    hooks.muteMicrophone();
    hooks.showMessage(`${fromName} (host) asked everyone to mute. You can unmute when you need to.`);
  };
  room.on('waiting', onWaiting);
  room.on('connectionStateChanged', onState);
  room.on('muteRequested', onMute);
  return () => {
    room.off('waiting', onWaiting);
    room.off('connectionStateChanged', onState);
    room.off('muteRequested', onMute);
  };
}

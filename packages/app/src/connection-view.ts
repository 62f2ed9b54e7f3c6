import type { BackdropError, ConnectionState, ParticipantConnection } from '@backdrop/client';

export const RECONNECTING_TEXT = 'Reconnecting…';
export const RECONNECTED_TEXT = 'Reconnected';
/** How long the "Reconnected" notice stays after the bar goes. */
export const RECONNECTED_NOTICE_MS = 3000;

/**
 * What the call's connection bar knows: the Room's state, whether a media (ICE) restart is under way on a
 * connected Room, and whether the "Reconnected" notice is showing.
 */
export interface ConnectionBarState {
  room: ConnectionState;
  mediaRestarting: boolean;
  notice: boolean;
}

export type ConnectionBarEvent =
  | { type: 'room'; state: ConnectionState }
  | { type: 'media'; restarting: boolean }
  | { type: 'noticeExpired' };

export const INITIAL_BAR: ConnectionBarState = { room: 'idle', mediaRestarting: false, notice: false };

/** Whether the bar says "Reconnecting…" in this state. Pure. */
export function isReconnecting(state: ConnectionBarState): boolean {
  return state.room === 'reconnecting' || (state.room === 'connected' && state.mediaRestarting);
}

/**
 * The next bar state. Leaving "Reconnecting…" for `connected` turns the "Reconnected" notice on (the caller
 * expires it after RECONNECTED_NOTICE_MS); any other state than `connected` turns it off. Pure.
 */
export function nextBar(state: ConnectionBarState, event: ConnectionBarEvent): ConnectionBarState {
  switch (event.type) {
    case 'room': {
      const next = { ...state, room: event.state };
      // A non-resumed re-join makes new PeerConnections: a restart of the old ones is over.
      if (event.state !== 'connected') next.mediaRestarting = false;
      return { ...next, notice: recovered(state, next) || (state.notice && event.state === 'connected') };
    }
    case 'media': {
      const next = { ...state, mediaRestarting: event.restarting };
      return { ...next, notice: recovered(state, next) || (state.notice && !event.restarting) };
    }
    case 'noticeExpired':
      return { ...state, notice: false };
  }
}

function recovered(before: ConnectionBarState, after: ConnectionBarState): boolean {
  return isReconnecting(before) && !isReconnecting(after) && after.room === 'connected';
}

/** What the bar and the call root show for a bar state. */
export interface ConnectionBarView {
  /** `hidden`: no bar; `reconnecting`: the bar; `reconnected`: the short notice. */
  kind: 'hidden' | 'reconnecting' | 'reconnected';
  text: string;
  /** The call root's `data-connection`: `reconnecting` while the bar says so, else the Room's state. */
  connection: ConnectionState;
}

/** The bar for a state. Pure. */
export function connectionBarView(state: ConnectionBarState): ConnectionBarView {
  if (isReconnecting(state))
    return { kind: 'reconnecting', text: RECONNECTING_TEXT, connection: 'reconnecting' };
  if (state.notice) return { kind: 'reconnected', text: RECONNECTED_TEXT, connection: state.room };
  return { kind: 'hidden', text: '', connection: state.room };
}

/** What a remote tile shows for its participant's link. */
export interface PeerTileView {
  /** The tile's `data-connection`. */
  connection: ParticipantConnection;
  /** Dimmed, keeping its last frame. */
  dimmed: boolean;
  /** The label over the picture, or undefined for none. */
  label: string | undefined;
}

/** A remote tile for its participant's link state. Pure. */
export function peerTileView(state: ParticipantConnection): PeerTileView {
  return state === 'reconnecting'
    ? { connection: state, dimmed: true, label: RECONNECTING_TEXT }
    : { connection: state, dimmed: false, label: undefined };
}

/**
 * Whether an SDK error ends the call: only `connection_lost`, which the SDK reports once it has given up
 * reconnecting (resume and fresh join both failed). Every other error is shown and the call goes on. Pure.
 */
export function errorEndsCall(error: Pick<BackdropError, 'code'>): boolean {
  return error.code === 'connection_lost';
}

/**
 * Whether a state change ends the call: `disconnected` that the user did not ask for (Leave), once in the
 * call. `reconnecting` never does. Pure.
 */
export function stateEndsCall(state: ConnectionState, context: { leaving: boolean; inCall: boolean }) {
  return state === 'disconnected' && !context.leaving && context.inCall;
}

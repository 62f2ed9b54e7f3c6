import type { RemoteParticipant, Room } from '@backdrop/client';
import type { CallConnectionState, PeerConnectionState } from './connection-view.js';

/** The Room's reconnection events, as the call screen listens to them. */
export interface ReconnectionEvents {
  connectionStateChanged: (state: CallConnectionState) => void;
  /** Back after a lost socket: `resumed` (same participant) or re-joined afresh (the Room republished). */
  reconnected: (info: { resumed: boolean }) => void;
  /** Another participant's link went down (kept for the resume window) or came back. */
  participantConnection: (participant: RemoteParticipant, state: PeerConnectionState) => void;
}

interface Subscribable<Events> {
  on<E extends keyof Events>(event: E, listener: Events[E]): () => void;
}

/**
 * The Room seen through its reconnection events. The SDK's RoomEvents declare these names once its
 * reconnection lands; until then this view lets the app compile against either (a Room that never emits them
 * simply never shows "Reconnecting…").
 */
export function reconnectionEvents(room: Room): Subscribable<ReconnectionEvents> {
  return room as unknown as Subscribable<ReconnectionEvents>;
}

/** A participant's link as the SDK last reported it (`connected` for an SDK without the field). */
export function peerConnection(participant: RemoteParticipant): PeerConnectionState {
  const state = (participant as { connection?: unknown }).connection;
  return state === 'reconnecting' ? 'reconnecting' : 'connected';
}

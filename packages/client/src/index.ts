export type { AccessSnapshot } from './access.js';
export { BackdropError, type BackdropErrorCode, type BackdropErrorOptions } from './errors.js';
export {
  chooseLayer,
  DEFAULT_SOURCE_HEIGHT,
  LAYER_HYSTERESIS,
  LAYER_SCALE,
  type LayerInput,
} from './layer-choice.js';
export { type LocalMeetingState, Meeting, type MeetingEvents } from './meeting.js';
export { type ParticipantConnection, RemoteParticipant } from './participant.js';
export { DEFAULT_RECOVERY, type RecoverySettings } from './recovery.js';
export { type ConnectionState, type JoinOptions, Room, type RoomEvents, type RoomOptions } from './room.js';
export { SCREEN_ENCODING, SIMULCAST_ENCODINGS } from './simulcast.js';
export type {
  Clock,
  NetworkChange,
  NetworkMonitor,
  PeerConnection,
  PeerConnectionFactory,
  SignalingSocket,
  SocketFactory,
  SocketHandlers,
} from './transport.js';

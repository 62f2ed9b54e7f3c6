export { BackdropError, type BackdropErrorCode, type BackdropErrorOptions } from './errors.js';
export { RemoteParticipant } from './participant.js';
export { type ConnectionState, Room, type RoomEvents, type RoomOptions } from './room.js';

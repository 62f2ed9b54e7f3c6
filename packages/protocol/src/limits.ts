/** Limits shared by the browser and the server; the server enforces them. */

/** The largest frame the server parses at all (a publish or subscriberAnswer with its SDP). */
export const MAX_MESSAGE_BYTES = 64 * 1024;
/** Frames of every type that carries no SDP (join, leave, ...) are refused above this. */
export const MAX_CONTROL_MESSAGE_BYTES = 4 * 1024;
export const MAX_SDP_CHARS = 48 * 1024;
/** One ICE candidate line (`candidate:...`); real ones are under 300 characters. */
export const MAX_CANDIDATE_CHARS = 512;
/** ICE candidates the server holds for one PeerConnection until its SDP exchange with the SFU is done. */
export const MAX_PENDING_CANDIDATES = 64;
export const ROOM_NAME_PATTERN = /^[a-z0-9-]{1,64}$/;
export const NAME_MAX_CHARS = 64;
export const PROTOCOL_VERSION = 1;

/**
 * WebSocket close codes the server uses, so a client can tell why it was closed. 1001/1009/1012 are the
 * standard meanings; 4xxx are ours. A client should come back after `goingAway` and `serviceRestart` (with
 * back-off), and should not retry automatically after the 40xx abuse codes.
 */
export const CLOSE_CODES = {
  /** The server is shutting down (after `shutting_down` and the drain period). */
  goingAway: 1001,
  /** A text frame that is not valid UTF-8 (sent by the WebSocket library itself). */
  invalidPayload: 1007,
  /** A frame above the hard frame limit. */
  messageTooBig: 1009,
  /** The media server restarted; every session on it is gone. */
  serviceRestart: 1012,
  /** Too many messages per second on this socket. */
  rateLimited: 4001,
  /** Too many invalid messages on this socket. */
  tooManyBadMessages: 4002,
  /** The socket stopped reading: unsent data passed the server's bound. */
  slowConsumer: 4003,
  /** This client address already has the most signalling connections allowed. */
  tooManyConnections: 4004,
  /** The socket did not answer the server's pings. */
  heartbeatTimeout: 4005,
  /**
   * This socket's participant was resumed on another socket (`resume` with its token): the participant lives on
   * there, so this page must not reconnect or rejoin.
   */
  resumedElsewhere: 4006,
  /** A host removed this participant from the room: do not reconnect or rejoin by yourself. */
  removed: 4007,
} as const;
export type CloseCode = (typeof CLOSE_CODES)[keyof typeof CLOSE_CODES];

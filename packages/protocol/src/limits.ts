/** Limits shared by the browser and the server; the server enforces them. */
export const MAX_MESSAGE_BYTES = 64 * 1024;
export const MAX_SDP_CHARS = 48 * 1024;
export const ROOM_NAME_PATTERN = /^[a-z0-9-]{1,64}$/;
export const NAME_MAX_CHARS = 64;
export const PROTOCOL_VERSION = 1;

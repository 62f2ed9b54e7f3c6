import { z } from 'zod';
import { checkDisplayName } from './display-name.js';
import { MAX_SDP_CHARS, ROOM_NAME_PATTERN } from './limits.js';

/** A room name as it appears in `/r/<room>`. */
export const RoomName = z
  .string()
  .regex(ROOM_NAME_PATTERN, 'room names are 1-64 characters of a-z, 0-9 and -');

/**
 * A display name: well-formed Unicode, NFC, trimmed, 1-64 characters, nothing invisible, no control, format,
 * bidi-override, line-separator, private-use or unassigned characters (see display-name.ts). A refusal carries
 * `params.errorCode: 'invalid_name'`, so the server answers with that code rather than `bad_message`.
 */
export const DisplayName = z.string().transform((raw, ctx) => {
  const check = checkDisplayName(raw);
  if (check.ok) return check.name;
  ctx.addIssue({ code: 'custom', message: check.reason, params: { errorCode: 'invalid_name' } });
  return z.NEVER;
});

const Sdp = z.string().min(1).max(MAX_SDP_CHARS);
/** Optional request id echoed back as `replyTo`, so a client can match replies. */
const RequestId = z.union([z.string().max(64), z.number().int().safe()]).optional();

export const JoinMessage = z.strictObject({
  type: z.literal('join'),
  id: RequestId,
  room: RoomName,
  name: DisplayName,
});
/** The publisher's SDP offer (audio and/or video, send-only). */
export const PublishMessage = z.strictObject({ type: z.literal('publish'), id: RequestId, sdp: Sdp });
/** The answer to the last `subscriberOffer`. */
export const SubscriberAnswerMessage = z.strictObject({
  type: z.literal('subscriberAnswer'),
  id: RequestId,
  sdp: Sdp,
});
export const LeaveMessage = z.strictObject({ type: z.literal('leave'), id: RequestId });

export const ClientMessage = z.discriminatedUnion('type', [
  JoinMessage,
  PublishMessage,
  SubscriberAnswerMessage,
  LeaveMessage,
]);
export type ClientMessage = z.infer<typeof ClientMessage>;
export type ClientMessageType = ClientMessage['type'];
export const CLIENT_MESSAGE_TYPES = ClientMessage.options.map((o) => o.shape.type.value);

const ParticipantId = z.string().min(1).max(64);
export const ParticipantInfo = z.strictObject({ id: ParticipantId, name: z.string() });
export type ParticipantInfo = z.infer<typeof ParticipantInfo>;

/** One m-line of the subscriber PeerConnection and whose media it carries. */
export const SubscribedStream = z.strictObject({
  mid: z.string(),
  participantId: ParticipantId,
  kind: z.enum(['audio', 'video']),
});
export type SubscribedStream = z.infer<typeof SubscribedStream>;

/**
 * Every error the server replies with. Each refusal has its own code so the app can explain it; the meaning of
 * each is in ARCHITECTURE.md ("Errors").
 */
export const ErrorCode = z.enum([
  'bad_json',
  'bad_message',
  'too_large',
  'invalid_state',
  'sfu_error',
  'internal',
  'shutting_down',
  /** The display name is not well-formed Unicode, or holds control, format or bidi-override characters. */
  'invalid_name',
  /** The publisher's SDP offer is not one the product sends (directions, m-lines, codecs, size). */
  'bad_sdp',
  /** Too many messages on this socket; the socket is closed if it goes on. */
  'rate_limited',
  /** The room has its maximum number of participants. */
  'room_full',
  /** The server has its maximum number of participants, over all rooms. */
  'server_full',
  /** The server has its maximum number of rooms: no new room can open now. */
  'too_many_rooms',
  /** Too many joins from this address in the last minute. */
  'join_rate_limited',
  /** Too many new rooms opened from this address in the last minute. */
  'room_create_rate_limited',
  /** Too many signalling connections from this address. */
  'too_many_connections',
  /** The media server is down or restarting; try again shortly. */
  'sfu_unavailable',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

const ReplyTo = z.union([z.string(), z.number()]).optional();

export const ServerMessage = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('welcome'), protocol: z.number().int() }),
  z.strictObject({
    type: z.literal('joined'),
    replyTo: ReplyTo,
    room: z.string(),
    participantId: ParticipantId,
    participants: z.array(ParticipantInfo),
  }),
  z.strictObject({ type: z.literal('participantJoined'), participant: ParticipantInfo }),
  z.strictObject({ type: z.literal('participantLeft'), participantId: ParticipantId }),
  z.strictObject({ type: z.literal('publishAnswer'), replyTo: ReplyTo, sdp: z.string() }),
  z.strictObject({
    type: z.literal('subscriberOffer'),
    sdp: z.string(),
    streams: z.array(SubscribedStream),
  }),
  z.strictObject({ type: z.literal('left'), replyTo: ReplyTo }),
  /**
   * The server is going down in `drainMs`: new joins are refused with `shutting_down`, and the socket closes
   * with 1001 after the drain. A client should reconnect (another node, or this one once it is back).
   */
  z.strictObject({ type: z.literal('shuttingDown'), drainMs: z.number().int().min(0) }),
  z.strictObject({
    type: z.literal('error'),
    replyTo: ReplyTo,
    code: ErrorCode,
    message: z.string(),
  }),
]);
export type ServerMessage = z.infer<typeof ServerMessage>;
export type ServerMessageOf<T extends ServerMessage['type']> = Extract<ServerMessage, { type: T }>;

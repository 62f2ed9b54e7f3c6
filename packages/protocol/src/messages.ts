import { z } from 'zod';
import { MAX_SDP_CHARS, NAME_MAX_CHARS, ROOM_NAME_PATTERN } from './limits.js';

/** A room name as it appears in `/r/<room>`. */
export const RoomName = z
  .string()
  .regex(ROOM_NAME_PATTERN, 'room names are 1-64 characters of a-z, 0-9 and -');

/** A display name: trimmed, 1-64 characters, no control characters. */
export const DisplayName = z
  .string()
  .transform((s) => s.trim())
  .pipe(
    z
      .string()
      .min(1, 'name must not be empty')
      .max(NAME_MAX_CHARS, `name must be at most ${NAME_MAX_CHARS} characters`)
      // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting them is the point
      .regex(/^[^\u0000-\u001f\u007f]*$/, 'name must not contain control characters'),
  );

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

export const ErrorCode = z.enum([
  'bad_json',
  'bad_message',
  'too_large',
  'invalid_state',
  'sfu_error',
  'internal',
  'shutting_down',
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
  z.strictObject({
    type: z.literal('error'),
    replyTo: ReplyTo,
    code: ErrorCode,
    message: z.string(),
  }),
]);
export type ServerMessage = z.infer<typeof ServerMessage>;
export type ServerMessageOf<T extends ServerMessage['type']> = Extract<ServerMessage, { type: T }>;

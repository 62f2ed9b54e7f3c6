import * as z from 'zod';
import {
  ACCESS_CLIENT_MESSAGES,
  ACCESS_ERROR_CODES,
  ACCESS_SERVER_MESSAGES,
  HostKey,
  JoinedAccess,
  Role,
  RoomPassword,
} from './access.js';
import { CLUSTER_ERROR_CODES, CLUSTER_SERVER_MESSAGES } from './cluster.js';
import { checkDisplayName } from './display-name.js';
import { ParticipantId, RequestId } from './ids.js';
import { MAX_CANDIDATE_CHARS, MAX_SDP_CHARS, ROOM_NAME_PATTERN } from './limits.js';
import { MediaSource, ScreenShareMessage, ScreenShareNotice, VideoLayersMessage } from './media.js';
import { MEETING_CLIENT_MESSAGES, MEETING_SERVER_MESSAGES } from './meeting.js';

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

export const JoinMessage = z.strictObject({
  type: z.literal('join'),
  id: RequestId,
  room: RoomName,
  name: DisplayName,
  /** The room's password, if it has one; given by the first joiner, it sets the new room's password. */
  password: RoomPassword.optional(),
  /** From the host link: joins as a host, past the lock and the password. A wrong key joins as a participant. */
  hostKey: HostKey.optional(),
});
/** The publisher's SDP offer (audio and/or video, send-only). */
export const PublishMessage = z.strictObject({ type: z.literal('publish'), id: RequestId, sdp: Sdp });
/** The answer to the last `subscriberOffer`. */
export const SubscriberAnswerMessage = z.strictObject({
  type: z.literal('subscriberAnswer'),
  id: RequestId,
  sdp: Sdp,
});
/**
 * One ICE candidate, as `RTCIceCandidate` gives it. Printable ASCII only: the line ends up inside the SFU's SDP
 * handling, so no line breaks. A candidate names its m-line by mid, index or both.
 */
export const IceCandidate = z
  .strictObject({
    candidate: z
      .string()
      .max(MAX_CANDIDATE_CHARS)
      .regex(/^candidate:[\x20-\x7e]+$/, 'must be a candidate: line of printable ASCII'),
    sdpMid: z
      .string()
      .regex(/^[\x21-\x7e]{1,32}$/, 'must be 1-32 printable ASCII characters')
      .nullable()
      .optional(),
    sdpMLineIndex: z.number().int().min(0).max(63).nullable().optional(),
  })
  .refine((c) => c.sdpMid != null || c.sdpMLineIndex != null, 'needs sdpMid or sdpMLineIndex');
export type IceCandidate = z.infer<typeof IceCandidate>;

/** Which of a participant's two PeerConnections a candidate belongs to. */
export const IceTarget = z.enum(['publisher', 'subscriber']);
export type IceTarget = z.infer<typeof IceTarget>;

/**
 * Trickle ICE, browser to server: one local candidate of the publisher or subscriber PeerConnection, or null
 * once it has gathered all of them (end-of-candidates). Only while joined; no reply unless refused.
 */
export const TrickleMessage = z.strictObject({
  type: z.literal('trickle'),
  id: RequestId,
  target: IceTarget,
  candidate: IceCandidate.nullable(),
});

export const LeaveMessage = z.strictObject({ type: z.literal('leave'), id: RequestId });

/** A resume token as the server issues it in `joined`: 32 random bytes, base64url. */
export const ResumeToken = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be a resume token from `joined`');

/**
 * Instead of `join` on a new socket after the old one was lost: takes back the same participant (same id, same
 * SFU handles, the others see `participantConnection` reconnecting → connected, never a leave) if the token is
 * the latest one issued and its resume window has not run out. Answered with `joined` (`resumed: true`, a new
 * token), or `resume_failed`: join afresh.
 */
export const ResumeMessage = z.strictObject({ type: z.literal('resume'), id: RequestId, token: ResumeToken });

/** The client's heartbeat: answered with `pong` at once. A client that hears nothing treats the socket as dead. */
export const PingMessage = z.strictObject({ type: z.literal('ping'), id: RequestId });

/**
 * ICE restart of the publisher PeerConnection (after `disconnected`/`failed`, or a resume): the browser's new
 * offer, made with `iceRestart: true`, answered with `publishAnswer`. Same m-lines as the first publish.
 */
export const RestartPublisherIceMessage = z.strictObject({
  type: z.literal('restartPublisherIce'),
  id: RequestId,
  sdp: Sdp,
});

/**
 * ICE restart of the subscriber PeerConnection: the SFU's restarted offer arrives as a `subscriberOffer`,
 * answered with `subscriberAnswer` as usual.
 */
export const RestartSubscriberIceMessage = z.strictObject({
  type: z.literal('restartSubscriberIce'),
  id: RequestId,
});

/** A participant id as the server stamps it (`p_…`), when a client names another participant. */
const PeerId = z.string().regex(/^p_[A-Za-z0-9_-]{1,62}$/, 'must be a participant id');

/** An SDP offer or answer of the direct PeerConnection between the two participants of a direct room. */
export const PeerDescription = z.strictObject({ type: z.enum(['offer', 'answer']), sdp: Sdp });
export type PeerDescription = z.infer<typeof PeerDescription>;

/**
 * Signalling of the direct (browser to browser) PeerConnection, relayed by the server only between the two
 * participants of a room in direct mode (`mediaPath` direct); to anyone else it is refused. One description
 * or one candidate (null: end-of-candidates) per message.
 */
export const PeerSignalMessage = z
  .strictObject({
    type: z.literal('peerSignal'),
    id: RequestId,
    to: PeerId,
    description: PeerDescription.optional(),
    candidate: IceCandidate.nullable().optional(),
  })
  .refine(
    (m) => (m.description === undefined) !== (m.candidate === undefined),
    'needs exactly one of description and candidate',
  );

/**
 * Whether the browser now shows `peerId`'s media from the direct PeerConnection (`receiving: true`: the server
 * pauses that peer's streams to it in the SFU) or lost it (`false`: the SFU sends them again). Ignored unless
 * the room is in direct mode with that peer.
 */
export const DirectMediaMessage = z.strictObject({
  type: z.literal('directMedia'),
  id: RequestId,
  peerId: PeerId,
  receiving: z.boolean(),
});

export const ClientMessage = z.discriminatedUnion('type', [
  JoinMessage,
  PublishMessage,
  SubscriberAnswerMessage,
  TrickleMessage,
  LeaveMessage,
  ResumeMessage,
  PingMessage,
  RestartPublisherIceMessage,
  RestartSubscriberIceMessage,
  PeerSignalMessage,
  DirectMediaMessage,
  ...ACCESS_CLIENT_MESSAGES,
  ...MEETING_CLIENT_MESSAGES,
  ScreenShareMessage,
  VideoLayersMessage,
]);
export type ClientMessage = z.infer<typeof ClientMessage>;
export type ClientMessageType = ClientMessage['type'];
export const CLIENT_MESSAGE_TYPES = ClientMessage.options.map((o) => o.shape.type.value);

export const ParticipantInfo = z.strictObject({
  id: ParticipantId,
  name: z.string(),
  /** Decided by the server; absent means `participant`. */
  role: Role.optional(),
});
export type ParticipantInfo = z.infer<typeof ParticipantInfo>;

/** One m-line of the subscriber PeerConnection and whose media it carries. */
export const SubscribedStream = z.strictObject({
  mid: z.string(),
  participantId: ParticipantId,
  kind: z.enum(['audio', 'video']),
  /** Camera and microphone, or screen share (its video and tab/system audio); camera when absent. */
  source: MediaSource.optional(),
});
export type SubscribedStream = z.infer<typeof SubscribedStream>;

/** What a browser passes to `new RTCPeerConnection({ iceServers })`: our TURN, with per-join credentials. */
export const IceServer = z.strictObject({
  urls: z.array(z.string().max(512)).min(1).max(16),
  username: z.string().max(512).optional(),
  credential: z.string().max(512).optional(),
});
export type IceServer = z.infer<typeof IceServer>;

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
  /** The resume token is unknown, already used or past its window: the participant is gone; join afresh. */
  'resume_failed',
  /**
   * A `peerSignal` or `directMedia` naming someone this participant is not in a direct room with: refused, not
   * relayed. Expected in the moment a room switches path (a third joined); clients drop it.
   */
  'not_direct',
  ...ACCESS_ERROR_CODES,
  ...CLUSTER_ERROR_CODES,
  /** A chat text that is empty, over CHAT_MAX_BYTES, or holds control or bidi-override characters. */
  'invalid_chat',
  /** Chat or reactions sent faster than the room allows (see CHAT_RATE / REACTION_RATE); nothing is closed. */
  'chat_rate_limited',
  'reaction_rate_limited',
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
    /** ICE servers for both PeerConnections, with credentials fresh for this join; empty without TURN. */
    iceServers: z.array(IceServer).max(8),
    /** Send with `resume` on a new socket to take this participant back; each `joined` issues a new one. */
    resumeToken: ResumeToken,
    /** How long after the socket is lost the token still resumes. */
    resumeWindowMs: z.number().int().min(0),
    /** True when this answers a `resume`: same participant id, same SFU handles (restart ICE, no new publish). */
    resumed: z.boolean(),
    /** The room's lock and password state, and to a host its host key and waiting list. */
    access: JoinedAccess.optional(),
  }),
  z.strictObject({ type: z.literal('participantJoined'), participant: ParticipantInfo }),
  z.strictObject({ type: z.literal('participantLeft'), participantId: ParticipantId }),
  /**
   * A participant's signalling socket was lost (`reconnecting`: its media may stall; it is kept for the resume
   * window) or it resumed (`connected`). A participant whose window runs out gets `participantLeft`.
   */
  z.strictObject({
    type: z.literal('participantConnection'),
    participantId: ParticipantId,
    state: z.enum(['reconnecting', 'connected']),
  }),
  z.strictObject({ type: z.literal('pong'), replyTo: ReplyTo }),
  z.strictObject({ type: z.literal('publishAnswer'), replyTo: ReplyTo, sdp: z.string() }),
  z.strictObject({
    type: z.literal('subscriberOffer'),
    sdp: z.string(),
    streams: z.array(SubscribedStream),
  }),
  /** Trickle ICE, SFU to browser: a candidate of the SFU's side of that PeerConnection, or end-of-candidates. */
  z.strictObject({ type: z.literal('trickle'), target: IceTarget, candidate: IceCandidate.nullable() }),
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
  /**
   * How this browser gets the others' media. `direct`: exactly two participants, both publishing, and P2P on:
   * connect a PeerConnection to `peerId` (perfect negotiation, `polite` as given) and show its media once it
   * flows, then send `directMedia {receiving: true}`. `sfu`: everyone through the SFU; keep the direct media on
   * screen until the SFU's flows, then close the direct PeerConnection. Sent on every change and after a
   * resume; a joiner starts in `sfu`.
   */
  z.discriminatedUnion('path', [
    z.strictObject({
      type: z.literal('mediaPath'),
      path: z.literal('direct'),
      peerId: ParticipantId,
      polite: z.boolean(),
    }),
    z.strictObject({ type: z.literal('mediaPath'), path: z.literal('sfu') }),
  ]),
  /**
   * Whether anyone receives this browser's media through the SFU. `false` only in a direct room once the peer
   * shows our media from the direct PeerConnection: the browser stops sending to the SFU (encodings inactive),
   * keeping the PeerConnection; `true` (a third joined, or the direct path failed): send again at once.
   */
  z.strictObject({ type: z.literal('sfuUpload'), active: z.boolean() }),
  /** `peerSignal` of the other participant of a direct room, stamped with who sent it. */
  z.strictObject({
    type: z.literal('peerSignal'),
    from: ParticipantId,
    description: PeerDescription.optional(),
    candidate: IceCandidate.nullable().optional(),
  }),
  ...ACCESS_SERVER_MESSAGES,
  ...CLUSTER_SERVER_MESSAGES,
  ...MEETING_SERVER_MESSAGES,
  ScreenShareNotice,
]);
export type ServerMessage = z.infer<typeof ServerMessage>;
export type ServerMessageOf<T extends ServerMessage['type']> = Extract<ServerMessage, { type: T }>;

import * as z from 'zod';

/**
 * Hosts and room access (issue 11 item 6): roles, lock and waiting room, remove, ask everyone to mute, room
 * password. Every host action is decided by the server: a non-host's is refused with `forbidden`.
 */

/** A participant's role, decided by the server. Absent in a `ParticipantInfo` means `participant`. */
export const Role = z.enum(['host', 'participant']);
export type Role = z.infer<typeof Role>;

/** The room's host key, as the server shows it to hosts: 32 random bytes, base64url. */
export const HostKey = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be a host key from the host link');

/** A room password: 1-128 characters. Never logged, never sent back. */
export const MAX_PASSWORD_CHARS = 128;
export const RoomPassword = z
  .string()
  .min(1, 'must not be empty')
  .max(MAX_PASSWORD_CHARS, `must be at most ${MAX_PASSWORD_CHARS} characters`);

/** Someone in the waiting room, named by the id the server gave its knock (`w_…`). */
export const WaitingId = z.string().regex(/^w_[A-Za-z0-9_-]{1,62}$/, 'must be a waiting id');
/** A participant, as the server stamps it (`p_…`). */
const TargetId = z.string().regex(/^p_[A-Za-z0-9_-]{1,62}$/, 'must be a participant id');
const RequestId = z.union([z.string().max(64), z.number().int().safe()]).optional();

/** Host: lock (newcomers wait until a host admits them) or unlock the room. Answered with `roomAccess`. */
export const SetRoomLockMessage = z.strictObject({
  type: z.literal('setRoomLock'),
  id: RequestId,
  locked: z.boolean(),
});
/** Host: let a waiting newcomer in (`admit: true`) or turn them away (`false`). */
export const AnswerKnockMessage = z.strictObject({
  type: z.literal('answerKnock'),
  id: RequestId,
  waitingId: WaitingId,
  admit: z.boolean(),
});
/** Host: remove a participant; it is disconnected and its resume token revoked. */
export const RemoveParticipantMessage = z.strictObject({
  type: z.literal('removeParticipant'),
  id: RequestId,
  participantId: TargetId,
});
/** Host: ask everyone else to mute their microphone (each browser mutes itself; it may unmute later). */
export const MuteAllMessage = z.strictObject({ type: z.literal('muteAll'), id: RequestId });
/** Host: set (a string) or clear (null) the room's password for later joins. */
export const SetRoomPasswordMessage = z.strictObject({
  type: z.literal('setRoomPassword'),
  id: RequestId,
  password: RoomPassword.nullable(),
});

export const ACCESS_CLIENT_MESSAGES = [
  SetRoomLockMessage,
  AnswerKnockMessage,
  RemoveParticipantMessage,
  MuteAllMessage,
  SetRoomPasswordMessage,
] as const;

const ParticipantId = z.string().min(1).max(64);
const ReplyTo = z.union([z.string(), z.number()]).optional();

/** Someone waiting to be let in, as hosts see them. */
export const WaitingInfo = z.strictObject({ id: WaitingId, name: z.string() });
export type WaitingInfo = z.infer<typeof WaitingInfo>;

/**
 * The room's access state as `joined` carries it: lock and password for everyone; to a host also the host key
 * (the host link is `/r/<room>?host=<key>`) and who is waiting.
 */
export const JoinedAccess = z.strictObject({
  locked: z.boolean(),
  passwordSet: z.boolean(),
  hostKey: HostKey.optional(),
  waiting: z.array(WaitingInfo).optional(),
});
export type JoinedAccess = z.infer<typeof JoinedAccess>;

/**
 * To everyone, on every change: whether the room is locked and has a password. Also the reply to
 * `setRoomLock` / `setRoomPassword`.
 */
export const RoomAccessMessage = z.strictObject({
  type: z.literal('roomAccess'),
  replyTo: ReplyTo,
  locked: z.boolean(),
  passwordSet: z.boolean(),
});
/** To hosts only: the room's host key (the host link is `/r/<room>?host=<key>`). Sent when one becomes host. */
export const HostKeyMessage = z.strictObject({ type: z.literal('hostKey'), key: HostKey });
/** To everyone: a participant's role changed (a host left and the longest-present became host). */
export const ParticipantRoleMessage = z.strictObject({
  type: z.literal('participantRole'),
  participantId: ParticipantId,
  role: Role,
});
/** To hosts only: who is waiting, in order (the whole list on every change). */
export const WaitingListMessage = z.strictObject({
  type: z.literal('waitingList'),
  waiting: z.array(WaitingInfo),
});
/**
 * To a newcomer of a locked room, in reply to its `join` (same `replyTo`): it waits; the `joined` (admitted)
 * or `error` (`denied`, `wait_timeout`) for that same join comes within `timeoutMs`.
 */
export const WaitingMessage = z.strictObject({
  type: z.literal('waiting'),
  replyTo: ReplyTo,
  room: z.string(),
  timeoutMs: z.number().int().min(0),
});
/** To everyone but the asker: a host asks everyone to mute. */
export const MuteRequestMessage = z.strictObject({
  type: z.literal('muteRequest'),
  from: ParticipantId,
  fromName: z.string(),
});
/** To the removed participant, just before its socket is closed with CLOSE_CODES.removed. */
export const RemovedMessage = z.strictObject({
  type: z.literal('removed'),
  by: z.string(),
});
/** Acknowledges a host action with no other reply (`answerKnock`, `removeParticipant`, `muteAll`). */
export const DoneMessage = z.strictObject({ type: z.literal('done'), replyTo: ReplyTo });

export const ACCESS_SERVER_MESSAGES = [
  RoomAccessMessage,
  HostKeyMessage,
  ParticipantRoleMessage,
  WaitingListMessage,
  WaitingMessage,
  MuteRequestMessage,
  RemovedMessage,
  DoneMessage,
] as const;

/** Error codes of access control; each has its own meaning (ARCHITECTURE.md "Errors"). */
export const ACCESS_ERROR_CODES = [
  /** A host action from someone who is not a host: refused, nothing changed. */
  'forbidden',
  /** The room has a password and the join gave none. */
  'password_required',
  /** The join's password (or host key) is wrong. */
  'wrong_password',
  /** Too many wrong passwords from this address (or for this room) in the last minute. */
  'password_rate_limited',
  /** A host turned this newcomer away. */
  'denied',
  /** Nobody admitted this newcomer in time. */
  'wait_timeout',
  /** The room's waiting room is full. */
  'waiting_full',
  /** The named participant or newcomer is not (or no longer) here. */
  'not_found',
] as const;

/**
 * In-call features on top of the media: chat, each participant's mic/camera state, raise hand, reactions and
 * who is speaking. The server stamps every sender, time and sequence number; a client only says what it wants.
 */
import * as z from 'zod';
import { ParticipantId, RequestId } from './ids.js';

/** Longest chat message, in UTF-8 bytes (after trimming). */
export const CHAT_MAX_BYTES = 2048;
/** Chat messages a room keeps for late joiners and resumes, for as long as the room lives. */
export const CHAT_HISTORY_LENGTH = 100;
/**
 * Largest frame that may carry a `chat`: its text at the most JSON escaping can double (quotes, backslashes,
 * line breaks), plus the envelope. Other control messages stay under MAX_CONTROL_MESSAGE_BYTES.
 */
export const MAX_CHAT_FRAME_BYTES = 2 * CHAT_MAX_BYTES + 512;
/** The quick reactions, in the order a picker shows them. Anything else is refused. */
export const REACTIONS = ['👍', '👏', '😂', '😮', '❤️', '🎉'] as const;
export type Reaction = (typeof REACTIONS)[number];

/**
 * Characters a chat message may not hold: C0/C1 controls other than tab and line feed, and the bidi embedding,
 * override and isolate controls (text that reads differently from what it is). Lone surrogates are checked apart.
 */
const FORBIDDEN_IN_CHAT = /[\p{Cc}\u202a-\u202e\u2066-\u2069]/u;
/** The two control characters a chat message may hold. */
const ALLOWED_CONTROLS = /[\t\n]/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export type ChatTextCheck = { ok: true; text: string } | { ok: false; reason: string };

/** Trims and checks a chat text; the same rules in the browser (before sending) and the server. */
export function checkChatText(raw: string): ChatTextCheck {
  if (LONE_SURROGATE.test(raw)) return { ok: false, reason: 'not well-formed Unicode' };
  const text = raw.trim();
  if (text.length === 0) return { ok: false, reason: 'empty' };
  const bytes = new TextEncoder().encode(text).byteLength;
  if (bytes > CHAT_MAX_BYTES) return { ok: false, reason: `${bytes} bytes; the limit is ${CHAT_MAX_BYTES}` };
  if (FORBIDDEN_IN_CHAT.test(text.replace(ALLOWED_CONTROLS, '')))
    return { ok: false, reason: 'holds control or bidi-override characters' };
  return { ok: true, text };
}

/** A chat text: refused with `invalid_chat` (see checkChatText), trimmed when accepted. */
export const ChatText = z.string().transform((raw, ctx) => {
  const check = checkChatText(raw);
  if (check.ok) return check.text;
  ctx.addIssue({ code: 'custom', message: check.reason, params: { errorCode: 'invalid_chat' } });
  return z.NEVER;
});

// --- client -> server ---------------------------------------------------------------------------------------

/** A chat message to the whole room. Comes back to everyone, the sender included, as `chat` (with `replyTo`). */
export const ChatMessage = z.strictObject({ type: z.literal('chat'), id: RequestId, text: ChatText });

/** This participant's microphone and camera, sent on every change (and once after joining). */
export const MediaStateMessage = z.strictObject({
  type: z.literal('mediaState'),
  id: RequestId,
  micMuted: z.boolean(),
  cameraOff: z.boolean(),
});

/** Raises or lowers this participant's hand. Raising again keeps the place in the order. */
export const HandMessage = z.strictObject({ type: z.literal('hand'), id: RequestId, raised: z.boolean() });

/** A quick reaction, shown briefly to everyone on the sender's tile. */
export const ReactionMessage = z.strictObject({
  type: z.literal('reaction'),
  id: RequestId,
  emoji: z.enum(REACTIONS),
});

export const MEETING_CLIENT_MESSAGES = [
  ChatMessage,
  MediaStateMessage,
  HandMessage,
  ReactionMessage,
] as const;
export type MeetingClientMessage = z.infer<(typeof MEETING_CLIENT_MESSAGES)[number]>;

// --- server -> client ---------------------------------------------------------------------------------------

/** One chat message as the server stamped it: `seq` rises by one per message in the room, from 1. */
export const ChatEntry = z.strictObject({
  seq: z.number().int().min(1),
  from: ParticipantId,
  /** The sender's display name when it was sent (it stays in the history after the sender left). */
  name: z.string(),
  text: z.string(),
  /** Server time, ms since the epoch. */
  at: z.number().int().min(0),
});
export type ChatEntry = z.infer<typeof ChatEntry>;

/** What the room knows about one participant beyond its name. */
export const ParticipantState = z.strictObject({
  participantId: ParticipantId,
  micMuted: z.boolean(),
  cameraOff: z.boolean(),
  /** Null, or the hand's place in the room's raise order (a rising number: lower was raised earlier). */
  hand: z.number().int().min(1).nullable(),
  /** The SFU hears this participant talking (never while its mic is muted). */
  speaking: z.boolean(),
});
export type ParticipantState = z.infer<typeof ParticipantState>;

export const MEETING_SERVER_MESSAGES = [
  /**
   * Right after every `joined` (fresh or resumed): the state of everyone in the room (this participant
   * included) and the chat history, oldest first. A client merges the history by `seq`, so a resume never
   * shows a message twice.
   */
  z.strictObject({
    type: z.literal('roomState'),
    participants: z.array(ParticipantState),
    chat: z.array(ChatEntry).max(CHAT_HISTORY_LENGTH),
  }),
  /** One participant's state changed (to everyone, that participant included). */
  z.strictObject({ type: z.literal('participantState'), state: ParticipantState }),
  z.strictObject({
    type: z.literal('chat'),
    replyTo: z.union([z.string(), z.number()]).optional(),
    message: ChatEntry,
  }),
  z.strictObject({
    type: z.literal('reaction'),
    from: ParticipantId,
    emoji: z.enum(REACTIONS),
    at: z.number().int().min(0),
  }),
] as const;

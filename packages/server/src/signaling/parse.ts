import {
  CLIENT_MESSAGE_TYPES,
  ClientMessage,
  ErrorCode,
  MAX_CHAT_FRAME_BYTES,
  MAX_CONTROL_MESSAGE_BYTES,
  MAX_MESSAGE_BYTES,
} from '@backdrop/protocol';
import type * as z from 'zod';
import { ServerError } from '../errors.js';

export type ParseResult =
  | { ok: true; message: ClientMessage }
  | { ok: false; error: ServerError; replyTo?: string | number };

/** Longest piece of a refusal's text taken from the request (a key name, a path) or one issue's message. */
const MAX_ECHO_CHARS = 80;

function clip(text: string): string {
  return text.length > MAX_ECHO_CHARS ? `${text.slice(0, MAX_ECHO_CHARS)}…` : text;
}

/**
 * The first issues in words. Key names and paths come from the request, so each piece is clipped: a refusal
 * stays a few hundred bytes, however large the request's unknown keys are.
 */
function describe(issues: z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 5)
    .map((i) => {
      const message = clip(i.message);
      return i.path.length ? `${clip(i.path.join('.'))}: ${message}` : message;
    })
    .join('; ');
}

/** A schema may name the error code for its refusal (e.g. `invalid_name` from DisplayName). */
function issueCode(issues: z.core.$ZodIssue[]): ErrorCode | undefined {
  for (const issue of issues) {
    const code = ErrorCode.safeParse(issue.code === 'custom' ? issue.params?.errorCode : undefined);
    if (code.success) return code.data;
  }
  return undefined;
}

function requestId(value: unknown): string | number | undefined {
  if (typeof value !== 'object' || value === null || !('id' in value)) return undefined;
  const id = (value as { id: unknown }).id;
  if (typeof id === 'string' && id.length <= 64) return id;
  if (typeof id === 'number' && Number.isSafeInteger(id)) return id;
  return undefined;
}

/** The only message types that carry SDP, and so the only ones allowed above MAX_CONTROL_MESSAGE_BYTES. */
const SDP_TYPES: readonly string[] = ['publish', 'subscriberAnswer', 'restartPublisherIce', 'peerSignal'];

function tooLarge(size: number, limit: number, what: string): ServerError {
  return new ServerError('too_large', `${what} is ${size} bytes; the limit is ${limit}`);
}

/** Parses one WebSocket frame from a browser. Never throws: a bad frame becomes an error to reply with. */
export function parseClientMessage(data: Buffer | string): ParseResult {
  const size = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
  if (size > MAX_MESSAGE_BYTES) return { ok: false, error: tooLarge(size, MAX_MESSAGE_BYTES, 'message') };
  const text = data.toString();
  // Above the control limit only an SDP message (or a chat up to its own bound) may pass: without such a type
  // name in it, refuse unparsed.
  const large = size > MAX_CONTROL_MESSAGE_BYTES;
  const mayBeChat = size <= MAX_CHAT_FRAME_BYTES;
  if (large && !SDP_TYPES.some((t) => text.includes(`"${t}"`)) && !(mayBeChat && text.includes('"chat"'))) {
    return { ok: false, error: tooLarge(size, MAX_CONTROL_MESSAGE_BYTES, 'a message without SDP') };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, error: new ServerError('bad_json', 'message is not valid JSON') };
  }
  const replyTo = requestId(json);
  const type = typeof json === 'object' && json !== null ? (json as { type?: unknown }).type : undefined;
  const allowedLarge =
    typeof type === 'string' && (SDP_TYPES.includes(type) || (type === 'chat' && mayBeChat));
  if (large && !allowedLarge) {
    const error = tooLarge(size, MAX_CONTROL_MESSAGE_BYTES, 'a message without SDP');
    return replyTo === undefined ? { ok: false, error } : { ok: false, error, replyTo };
  }
  if (typeof type !== 'string' || !(CLIENT_MESSAGE_TYPES as string[]).includes(type)) {
    const error = new ServerError(
      'bad_message',
      `unknown message type; expected one of ${CLIENT_MESSAGE_TYPES.join(', ')}`,
    );
    return replyTo === undefined ? { ok: false, error } : { ok: false, error, replyTo };
  }
  const result = ClientMessage.safeParse(json);
  if (!result.success) {
    const error = new ServerError(
      issueCode(result.error.issues) ?? 'bad_message',
      `invalid ${type} message: ${describe(result.error.issues)}`,
    );
    return replyTo === undefined ? { ok: false, error } : { ok: false, error, replyTo };
  }
  return { ok: true, message: result.data };
}

import type { BackdropError, ConnectionState } from '@backdrop/client';
import { CLOSE_CODES, type ErrorCode } from '@backdrop/protocol';
import { RECONNECTING_TEXT } from './connection-view.js';

/** How the connection state reads in the call's status pill. */
export interface ConnectionBadge {
  label: string;
  tone: 'pending' | 'ok' | 'bad';
}

/** The status pill for a connection state. Pure. */
export function connectionBadge(state: ConnectionState): ConnectionBadge {
  switch (state) {
    case 'idle':
    case 'connecting':
      return { label: 'Connecting…', tone: 'pending' };
    case 'connected':
      return { label: 'Connected', tone: 'ok' };
    case 'reconnecting':
      return { label: RECONNECTING_TEXT, tone: 'pending' };
    case 'disconnected':
      return { label: 'Disconnected', tone: 'bad' };
    case 'failed':
      return { label: 'Connection failed', tone: 'bad' };
  }
}

/** A refusal or disconnection in plain language: what happened, and what the user can do about it. */
export interface Explanation {
  what: string;
  todo: string;
}

const TRY_LATER = 'Try again in a minute.';
const RELOAD = 'Reload the page and join again. If it keeps happening, tell whoever runs this server.';

/** Every error code the server sends (the Record makes a new code a type error until it is explained here). */
const SERVER_CODES: Record<ErrorCode, Explanation> = {
  invalid_name: {
    what: 'This name cannot be used: it has invisible, control or text-direction characters, or is not valid text.',
    todo: 'Type your name again using ordinary letters, digits and punctuation.',
  },
  room_full: {
    what: 'This meeting is full.',
    todo: 'Wait for someone to leave and join again, or meet in another room.',
  },
  server_full: {
    what: 'This server has as many people in meetings as it can take right now.',
    todo: 'Try again later.',
  },
  too_many_rooms: {
    what: 'This server cannot open another meeting room right now.',
    todo: 'Join a meeting that is already running, or try again later.',
  },
  join_rate_limited: {
    what: 'Too many join attempts came from your network in the last minute.',
    todo: TRY_LATER,
  },
  room_create_rate_limited: {
    what: 'Too many new rooms were opened from your network in the last minute.',
    todo: `Join a room that is already running, or ${TRY_LATER.toLowerCase()}`,
  },
  too_many_connections: {
    what: 'Too many connections to this server come from your network.',
    todo: 'Close other Backdrop tabs or windows, then join again.',
  },
  sfu_unavailable: {
    what: 'The media server is down or restarting.',
    todo: TRY_LATER,
  },
  cluster_unavailable: {
    what: 'The meeting servers cannot reach each other right now.',
    todo: TRY_LATER,
  },
  resume_failed: {
    what: 'You were away too long to carry on in the same call.',
    todo: 'Join again: the others will see you come back in.',
  },
  shutting_down: {
    what: 'The server is restarting.',
    todo: TRY_LATER,
  },
  rate_limited: {
    what: 'This page sent the server too many messages too quickly.',
    todo: 'Wait a moment, then join again.',
  },
  bad_sdp: {
    what: 'The server did not accept how this browser wants to send your camera and microphone.',
    todo: 'Reload the page and join again, or try another browser.',
  },
  sfu_error: {
    what: 'The media server had a problem setting up your call.',
    todo: 'Join again.',
  },
  bad_json: { what: 'The server could not read a message from this page.', todo: RELOAD },
  bad_message: { what: 'The server did not understand a message from this page.', todo: RELOAD },
  too_large: { what: 'This page sent the server a message that was too large.', todo: RELOAD },
  invalid_state: { what: 'This page asked the server for something out of order.', todo: RELOAD },
  internal: { what: 'Something went wrong on the server.', todo: 'Join again in a moment.' },
  forbidden: {
    what: 'Only a host of this meeting can do that.',
    todo: 'Ask a host, or open the host link if you have it.',
  },
  password_required: {
    what: 'This meeting has a password.',
    todo: 'Type the password you were given, then join.',
  },
  wrong_password: {
    what: 'That password is not this meeting’s.',
    todo: 'Check the password you were given and try again.',
  },
  password_rate_limited: {
    what: 'Too many wrong passwords were tried for this meeting from your network.',
    todo: TRY_LATER,
  },
  denied: {
    what: 'A host of this meeting did not let you in.',
    todo: 'Ask the host, then join again.',
  },
  wait_timeout: {
    what: 'Nobody let you in to this locked meeting in time.',
    todo: 'Ask a host to look out for you, then join again.',
  },
  waiting_full: {
    what: 'Too many people are already waiting to be let in to this meeting.',
    todo: TRY_LATER,
  },
  not_found: {
    what: 'That person is no longer in the meeting or waiting.',
    todo: 'Nothing to do.',
  },
  invalid_chat: {
    what: 'That chat message was not sent: it is empty, longer than 2 KB, or has control or text-direction characters.',
    todo: 'Shorten it or type it again.',
  },
  chat_rate_limited: {
    what: 'You are sending chat messages faster than this room allows.',
    todo: 'Wait a few seconds, then send it again.',
  },
  reaction_rate_limited: {
    what: 'You are sending reactions faster than this room allows.',
    todo: 'Wait a moment before the next one.',
  },
  // The SDK drops this one (a direct-call message crossing a switch to the media server); never shown.
  not_direct: {
    what: 'The call moved to the media server while this page was connecting directly.',
    todo: RELOAD,
  },
};

const CHECK_NETWORK = 'Check your network connection, then join again.';

/**
 * The close codes of the signalling socket (CLOSE_CODES, plus 1006: it just went away). A call shows these only
 * on its end screen, once the SDK has given up: after a socket lost by going away (1001), a media server
 * restart (1012), a missed heartbeat (4005) or a plain loss (1006) it first reconnects ("Reconnecting…") and
 * resumes or re-joins, so those texts say it could not get back in.
 */
const CLOSE_REASONS: Record<keyof typeof CLOSE_CODES | 'abnormal', Explanation> = {
  goingAway: { what: 'The server restarted and did not come back in time.', todo: TRY_LATER },
  invalidPayload: { what: 'This page sent the server a message it could not read.', todo: RELOAD },
  messageTooBig: { what: 'This page sent the server a message that was too large.', todo: RELOAD },
  serviceRestart: {
    what: 'The media server restarted and your call could not be picked up again.',
    todo: 'Join again.',
  },
  rateLimited: {
    what: 'The server disconnected this page for sending too many messages.',
    todo: 'Wait a moment, then reload the page and join again.',
  },
  tooManyBadMessages: {
    what: 'The server disconnected this page after messages it could not understand.',
    todo: RELOAD,
  },
  slowConsumer: {
    what: 'Your connection could not keep up with the server.',
    todo: CHECK_NETWORK,
  },
  tooManyConnections: SERVER_CODES.too_many_connections,
  heartbeatTimeout: {
    what: 'Your connection stopped answering the server and could not be restored.',
    todo: CHECK_NETWORK,
  },
  resumedElsewhere: {
    what: 'This call continued on another connection (another tab or network).',
    todo: 'Use the other tab, or join again here.',
  },
  removed: {
    what: 'A host removed you from this meeting.',
    todo: 'You can join again only if a host lets you in.',
  },
  abnormal: { what: 'The connection to the server was lost and could not be restored.', todo: CHECK_NETWORK },
};

const CLOSE_BY_NUMBER = new Map<number, Explanation>([
  ...Object.entries(CLOSE_CODES).map(
    ([name, code]) => [code, CLOSE_REASONS[name as keyof typeof CLOSE_CODES]] as const,
  ),
  [1006, CLOSE_REASONS.abnormal],
]);

/** A server error code in plain language. Pure. */
export function explainServerCode(code: ErrorCode): Explanation {
  return SERVER_CODES[code];
}

/** A WebSocket close code in plain language, or undefined for a code the server does not use. Pure. */
export function explainCloseCode(code: number): Explanation | undefined {
  return CLOSE_BY_NUMBER.get(code);
}

/** What the server said about an SDK error (its error code first, else the close code), if anything. Pure. */
export function explainError(error: unknown): Explanation | undefined {
  const { code, serverCode, closeCode } = (error ?? {}) as Partial<BackdropError>;
  if (serverCode !== undefined && serverCode in SERVER_CODES) return explainServerCode(serverCode);
  // A socket that never opened (1006) is "could not reach the server", which the SDK's message already says.
  if (closeCode === undefined || (code === 'connection_failed' && closeCode === 1006)) return undefined;
  return explainCloseCode(closeCode);
}

/**
 * A media connection (ICE) failure during the call: the SDK restarts ICE by itself, so this is a notice that
 * it is being restored, not an end.
 */
export const MEDIA_INTERRUPTED =
  'Your audio and video connection was interrupted; restoring it… If it does not come back, leave and join again.';

/** One line for a banner: the explanation if there is one, else the error's own message as a sentence. Pure. */
export function describeError(error: unknown): string {
  if ((error as Partial<BackdropError> | undefined)?.code === 'media_failed') return MEDIA_INTERRUPTED;
  const explained = explainError(error);
  return explained ? `${explained.what} ${explained.todo}` : sentence(messageOf(error));
}

/**
 * The text for the lobby's name field when the server refused the display name (`invalid_name`), which keeps
 * the user in the lobby instead of the end screen; undefined for every other error. Pure.
 */
export function nameRefusal(error: unknown): string | undefined {
  if ((error as Partial<BackdropError> | undefined)?.serverCode !== 'invalid_name') return undefined;
  const { what, todo } = SERVER_CODES.invalid_name;
  return `Name: ${what} ${todo}`;
}

/** The codes that send the lobby back for the room's password. */
const PASSWORD_CODES = ['password_required', 'wrong_password', 'password_rate_limited'] as const;

/**
 * The password field's text when the server wants the room's password or refused the one given (`undefined`
 * for any other error): the lobby shows its password field with it. Pure.
 */
export function passwordRefusal(error: unknown): string | undefined {
  const code = (error as Partial<BackdropError> | undefined)?.serverCode;
  if (!PASSWORD_CODES.includes(code as (typeof PASSWORD_CODES)[number])) return undefined;
  const { what, todo } = SERVER_CODES[code as (typeof PASSWORD_CODES)[number]];
  return `${what} ${todo}`;
}

/**
 * The call's notice after the server's `shuttingDown`: the SDK reconnects by itself after the drain (a fresh
 * join once the server is back), so the call is interrupted, not ended. Pure.
 */
export function shutdownNotice(drainMs: number): string {
  const seconds = Math.max(1, Math.round(drainMs / 1000));
  return `The server is restarting… The call pauses in about ${seconds} s and reconnects by itself when the server is back.`;
}

/** Why a call screen ended, as the end screen tells it. */
export type CallEnd =
  | { kind: 'left' }
  | { kind: 'join-failed'; error: unknown }
  | { kind: 'lost'; error: BackdropError | undefined };

export interface EndScreen {
  title: string;
  detail: string;
  /** The page state scripts see: leaving on purpose is 'left', everything else 'error'. */
  state: 'left' | 'error';
}

function sentence(text: string): string {
  const trimmed = text.trim();
  if (trimmed === '') return trimmed;
  const capital = trimmed[0]!.toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : 'Unknown error';
}

/** Title, explanation and page state for the screen shown when a call ends. Pure. */
export function endScreen(end: CallEnd, roomName: string): EndScreen {
  switch (end.kind) {
    case 'left':
      return { title: 'You left the meeting', detail: `You were in ${roomName}.`, state: 'left' };
    case 'join-failed': {
      const explained = explainError(end.error);
      const code = (end.error as Partial<BackdropError> | undefined)?.code;
      const hint =
        code === 'connection_failed' || code === 'timeout'
          ? ' Check your network connection and try again.'
          : '';
      return {
        title: 'Could not join',
        detail: explained
          ? `${explained.what} ${explained.todo}`
          : `${sentence(messageOf(end.error))}${hint}`,
        state: 'error',
      };
    }
    case 'lost':
      return {
        title: 'Disconnected',
        detail: end.error
          ? describeError(end.error)
          : 'The connection to the server was lost. You can rejoin.',
        state: 'error',
      };
  }
}

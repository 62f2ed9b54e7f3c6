import { type CallEnd, endScreen } from './connection.js';

/**
 * The one screen the page shows. Screens never open each other: they send a `ScreenEvent` and `transition`
 * says what comes next (landing → lobby → (waiting) → call → ended, and back to the lobby or into the call).
 *
 * - `lobby.name` is what the name field starts with; `nameError` the reason the server refused the last try;
 *   `password` that the room needs one (the field is shown, with why the last try was refused);
 *   `autojoin` whether the lobby joins by itself once the camera is up (only the first time, from the link).
 * - `call.phase`: `joining` until the Room is joined and published, then `in-call`.
 * - `call.attempt` counts joins from this page, so a rejoin is a new call (a new Room) even with the same name.
 * - `waiting`: a newcomer held until a host admits them (issue 11, item 6); the Room stays open meanwhile.
 */
export type Screen =
  | { kind: 'landing' }
  | { kind: 'invalid-link'; problem: string }
  | { kind: 'failed'; message: string }
  | {
      kind: 'lobby';
      room: string;
      name: string;
      autojoin: boolean;
      nameError?: string;
      /** The server asked for the room's password (or refused the one given): the lobby shows its field. */
      password?: { error: string };
    }
  | { kind: 'waiting'; room: string; name: string; attempt: number }
  | { kind: 'call'; room: string; name: string; phase: 'joining' | 'in-call'; attempt: number }
  | { kind: 'ended'; room: string; name: string; end: CallEnd; attempt: number };

export type ScreenEvent =
  /** The lobby's Join with a valid name. */
  | { type: 'join'; name: string; password?: string | undefined }
  /** The Room is joined and our tracks published. */
  | { type: 'joined' }
  /** The server holds us until a host admits us. */
  | { type: 'waiting' }
  /** A host let us in: the call continues with the same Room. */
  | { type: 'admitted' }
  /** The server wants the room's password, or refused the one given: back to the lobby, with its field. */
  | { type: 'passwordRefused'; message: string }
  /** The server refused the display name: back to the lobby, the reason by the name field. */
  | { type: 'nameRefused'; message: string }
  /** The call is over (left, refused, lost, denied). */
  | { type: 'ended'; end: CallEnd }
  /** From the end screen: the same name and camera, a new Room. */
  | { type: 'rejoin' }
  /** From the end screen: back to the lobby (the camera is opened afresh). */
  | { type: 'backToLobby' }
  /** Something the page cannot go on from (the lobby could not start). */
  | { type: 'failed'; message: string };

/** What `body[data-state]` and the screen root's `data-page-state` say: what scripts and CSS key on. */
export type PageState = 'landing' | 'lobby' | 'waiting' | 'joining' | 'in-call' | 'left' | 'error';

/** The first screen for a path: the landing page, a room's lobby, or an error for a malformed room link. */
export function initialScreen(
  path: { room?: string; problem?: string },
  lobby: { name: string; autojoin: boolean },
): Screen {
  if (path.problem !== undefined) return { kind: 'invalid-link', problem: path.problem };
  if (path.room === undefined) return { kind: 'landing' };
  return { kind: 'lobby', room: path.room, name: lobby.name, autojoin: lobby.autojoin };
}

/**
 * The next screen. An event that means nothing in the current screen (a late `joined` after the end, a second
 * Join) returns the same object, so callers can tell by identity that nothing happened. Pure.
 */
/** A refused join goes back to the lobby of the same room and name, with what to fix, and no autojoin. */
function backToLobby(
  screen: Extract<Screen, { kind: 'call' }>,
  fix: Pick<Extract<Screen, { kind: 'lobby' }>, 'nameError' | 'password'>,
): Screen {
  return { kind: 'lobby', room: screen.room, name: screen.name, autojoin: false, ...fix };
}

export function transition(screen: Screen, event: ScreenEvent): Screen {
  if (event.type === 'failed') return { kind: 'failed', message: event.message };
  switch (screen.kind) {
    case 'lobby':
      if (event.type === 'join')
        return { kind: 'call', room: screen.room, name: event.name, phase: 'joining', attempt: 1 };
      return screen;
    case 'call':
      switch (event.type) {
        case 'joined':
          return screen.phase === 'joining' ? { ...screen, phase: 'in-call' } : screen;
        case 'waiting':
          return screen.phase === 'joining'
            ? { kind: 'waiting', room: screen.room, name: screen.name, attempt: screen.attempt }
            : screen;
        case 'nameRefused':
          return screen.phase === 'joining' ? backToLobby(screen, { nameError: event.message }) : screen;
        case 'passwordRefused':
          return screen.phase === 'joining'
            ? backToLobby(screen, { password: { error: event.message } })
            : screen;
        case 'ended':
          return {
            kind: 'ended',
            room: screen.room,
            name: screen.name,
            end: event.end,
            attempt: screen.attempt,
          };
        default:
          return screen;
      }
    case 'waiting':
      switch (event.type) {
        case 'admitted':
          return {
            kind: 'call',
            room: screen.room,
            name: screen.name,
            phase: 'joining',
            attempt: screen.attempt,
          };
        case 'ended':
          return {
            kind: 'ended',
            room: screen.room,
            name: screen.name,
            end: event.end,
            attempt: screen.attempt,
          };
        default:
          return screen;
      }
    case 'ended':
      switch (event.type) {
        case 'rejoin':
          return {
            kind: 'call',
            room: screen.room,
            name: screen.name,
            phase: 'joining',
            attempt: screen.attempt + 1,
          };
        case 'backToLobby':
          return { kind: 'lobby', room: screen.room, name: screen.name, autojoin: false };
        default:
          return screen;
      }
    case 'landing':
    case 'invalid-link':
    case 'failed':
      return screen;
  }
}

/** The page state of a screen. Pure. */
export function pageState(screen: Screen): PageState {
  switch (screen.kind) {
    case 'landing':
    case 'lobby':
    case 'waiting':
      return screen.kind;
    case 'invalid-link':
    case 'failed':
      return 'error';
    case 'call':
      return screen.phase;
    case 'ended':
      return endScreen(screen.end, screen.room).state;
  }
}

/** Whether the screen has a Room open (a call being joined, in progress, or waiting to be admitted). Pure. */
export function holdsCall(screen: Screen): screen is Extract<Screen, { kind: 'call' | 'waiting' }> {
  return screen.kind === 'call' || screen.kind === 'waiting';
}

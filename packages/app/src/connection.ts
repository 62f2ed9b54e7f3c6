import type { BackdropError, ConnectionState } from '@backdrop/client';

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
    case 'disconnected':
      return { label: 'Disconnected', tone: 'bad' };
    case 'failed':
      return { label: 'Connection failed', tone: 'bad' };
  }
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
      const code = (end.error as Partial<BackdropError> | undefined)?.code;
      const hint =
        code === 'connection_failed' || code === 'timeout'
          ? ' Check your network connection and try again.'
          : '';
      return {
        title: 'Could not join',
        detail: `${sentence(messageOf(end.error))}${hint}`,
        state: 'error',
      };
    }
    case 'lost':
      return {
        title: 'Disconnected',
        detail: end.error
          ? sentence(end.error.message)
          : 'The connection to the server was lost. You can rejoin.',
        state: 'error',
      };
  }
}

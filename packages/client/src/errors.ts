import type { ErrorCode } from '@backdrop/protocol';

export type BackdropErrorCode =
  | 'connection_failed'
  | 'connection_lost'
  | 'server_error'
  | 'invalid_state'
  | 'timeout'
  | 'media_failed'
  | 'protocol_error';

export interface BackdropErrorOptions {
  cause?: unknown;
  /** The server's own error code, when the server refused something (`code` is then `server_error`). */
  serverCode?: ErrorCode;
  /** The WebSocket close code, when the signalling socket closed (see CLOSE_CODES in the protocol). */
  closeCode?: number;
}

/**
 * Every error the SDK reports: a stable `code`, a human message, the underlying cause if any, and what the
 * server said (its error code, or the close code of the socket) so an app can explain it.
 */
export class BackdropError extends Error {
  readonly serverCode: ErrorCode | undefined;
  readonly closeCode: number | undefined;

  constructor(
    readonly code: BackdropErrorCode,
    message: string,
    options: BackdropErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'BackdropError';
    this.serverCode = options.serverCode;
    this.closeCode = options.closeCode;
  }

  static invalidState(message: string): BackdropError {
    return new BackdropError('invalid_state', message);
  }

  /** The server refused a request (an `error` message): its code and message, as sent. */
  static fromServer(reply: { code: ErrorCode; message: string }): BackdropError {
    return new BackdropError('server_error', reply.message, { serverCode: reply.code });
  }
}

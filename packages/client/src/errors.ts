export type BackdropErrorCode =
  | 'connection_failed'
  | 'connection_lost'
  | 'server_error'
  | 'invalid_state'
  | 'timeout'
  | 'media_failed'
  | 'protocol_error';

/** Every error the SDK reports: a stable `code`, a human message, and the underlying cause if any. */
export class BackdropError extends Error {
  constructor(
    readonly code: BackdropErrorCode,
    message: string,
    options?: { cause?: unknown; serverCode?: string },
  ) {
    super(message, options);
    this.name = 'BackdropError';
    this.serverCode = options?.serverCode;
  }
  readonly serverCode: string | undefined;

  static invalidState(message: string): BackdropError {
    return new BackdropError('invalid_state', message);
  }
}

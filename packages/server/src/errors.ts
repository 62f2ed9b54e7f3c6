import type { ErrorCode } from '@backdrop/protocol';

/** An error that can be reported to a browser: it carries a protocol error code and an optional cause. */
export class ServerError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ServerError';
  }

  static invalidState(message: string): ServerError {
    return new ServerError('invalid_state', message);
  }

  static sfu(message: string, cause?: unknown): ServerError {
    return new ServerError('sfu_error', message, { cause });
  }
}

/** Turns anything thrown into a ServerError, keeping the original as the cause. */
export function toServerError(error: unknown): ServerError {
  if (error instanceof ServerError) return error;
  return new ServerError('internal', 'internal server error', { cause: error });
}

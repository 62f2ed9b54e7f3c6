export type EffectErrorCode =
  | 'unsupported'
  | 'invalid_state'
  | 'invalid_mode'
  | 'invalid_image'
  | 'image_too_large'
  | 'model_load_failed'
  | 'segmentation_failed'
  | 'render_failed'
  | 'worker_failed';

/** Every error the effects library reports: a stable `code`, a message and the underlying cause. */
export class EffectError extends Error {
  constructor(
    readonly code: EffectErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'EffectError';
  }

  static invalidState(message: string): EffectError {
    return new EffectError('invalid_state', message);
  }

  static unsupported(message: string): EffectError {
    return new EffectError('unsupported', message);
  }
}

/** Plain-data form of an error, for postMessage. */
export interface SerializedError {
  code: EffectErrorCode;
  message: string;
  cause?: string;
}

export function serializeError(error: unknown, fallback: EffectErrorCode): SerializedError {
  if (error instanceof EffectError) {
    const cause =
      error.cause instanceof Error
        ? error.cause.message
        : error.cause === undefined
          ? undefined
          : String(error.cause);
    return cause === undefined
      ? { code: error.code, message: error.message }
      : { code: error.code, message: error.message, cause };
  }
  return { code: fallback, message: error instanceof Error ? error.message : String(error) };
}

export function deserializeError(e: SerializedError): EffectError {
  return new EffectError(
    e.code,
    e.message,
    e.cause === undefined ? undefined : { cause: new Error(e.cause) },
  );
}

export type Listener = (...args: never[]) => void;

/** Where a throwing listener is reported: the `error` method of a named logger (the app's, or the console). */
export interface ListenerErrorLog {
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface EmitterOptions {
  /** Names the emitter in reports, e.g. `client.room`. */
  name: string;
  /** Defaults to the console, the one sink every browser has: a listener's bug is never swallowed. */
  log?: ListenerErrorLog;
}

function consoleLog(name: string): ListenerErrorLog {
  return {
    error: (message, fields) => console.error(`[backdrop:${name}] ${message}`, fields),
  };
}

/**
 * A minimal typed event emitter, the one every browser package uses (`Room`, `SignalingChannel`,
 * `BackgroundEffect`).
 *
 * Listener errors (mediasoup's safeEmit, made explicit): a listener that throws never breaks `emit` or the
 * listeners after it; the error is reported once to the emitter's named log, and never re-emitted as an event,
 * so an `error` listener that throws cannot recurse.
 */
export class TypedEmitter<Events extends { [K in keyof Events]: Listener }> {
  // ES private fields, so subclasses (which have their own `log`, `name` ...) cannot clash with them.
  readonly #listeners = new Map<keyof Events, Set<Listener>>();
  readonly #name: string;
  readonly #log: ListenerErrorLog;

  constructor(options: EmitterOptions) {
    this.#name = options.name;
    this.#log = options.log ?? consoleLog(options.name);
  }

  /** Adds a listener; returns a function that removes it. */
  on<E extends keyof Events>(event: E, listener: Events[E]): () => void {
    let set = this.#listeners.get(event);
    if (!set) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener);
    return () => this.off(event, listener);
  }

  /** Adds a listener that is removed before its first call; returns a function that removes it. */
  once<E extends keyof Events>(event: E, listener: Events[E]): () => void {
    const wrapper = ((...args: Parameters<Events[E]>) => {
      off();
      (listener as (...a: Parameters<Events[E]>) => void)(...args);
    }) as unknown as Events[E];
    const off = this.on(event, wrapper);
    return off;
  }

  off<E extends keyof Events>(event: E, listener: Events[E]): void {
    this.#listeners.get(event)?.delete(listener);
  }

  listenerCount(event: keyof Events): number {
    return this.#listeners.get(event)?.size ?? 0;
  }

  /** Calls every listener of `event` (as of now) in the order added. Never throws. */
  protected emit<E extends keyof Events>(event: E, ...args: Parameters<Events[E]>): void {
    for (const listener of [...(this.#listeners.get(event) ?? [])]) {
      try {
        (listener as (...a: Parameters<Events[E]>) => void)(...args);
      } catch (error) {
        this.#report(event, error);
      }
    }
  }

  protected removeAllListeners(): void {
    this.#listeners.clear();
  }

  #report(event: keyof Events, error: unknown): void {
    try {
      this.#log.error(`a "${String(event)}" listener threw`, {
        emitter: this.#name,
        event: String(event),
        error,
      });
    } catch {
      // The log itself failed: nothing is left to tell, and emit must carry on to the other listeners.
    }
  }
}

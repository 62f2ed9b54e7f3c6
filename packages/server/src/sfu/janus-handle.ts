import { JanusError } from './janus-client.js';

/** What a handle needs from the JanusClient: detaching, and whether the session is still there. */
export interface HandleOwner {
  readonly isOpen: boolean;
  detach(handleId: number): Promise<void>;
}

/**
 * One Janus plugin handle's requests, one at a time, and its detach after them.
 *
 * Janus 1.1.2 runs a plugin message on a worker thread but a `detach` at once on its request thread, so a
 * detach sent while a request on the same handle is still being handled races with it inside the VideoRoom
 * (a use-after-free upstream fixed only after 1.1.2). Here a request waits for the one before it, and `close`
 * waits for the request in flight (each has the client's deadline) before detaching. `close` is idempotent and
 * every caller gets the same promise, which settles once the handle is detached (or the session is gone).
 */
export class JanusHandle {
  private tail: Promise<unknown> = Promise.resolve();
  private closing: Promise<void> | undefined;

  constructor(
    private readonly owner: HandleOwner,
    readonly id: number,
  ) {}

  get isClosed(): boolean {
    return this.closing !== undefined;
  }

  /** Runs `work` after every earlier request on this handle has settled; refused once the handle is closing. */
  run<T>(work: () => Promise<T>): Promise<T> {
    if (this.closing) return Promise.reject(new JanusError(`handle ${this.id} is closed`));
    const next = this.tail.then(work, work);
    this.tail = next.catch(() => undefined);
    return next;
  }

  close(): Promise<void> {
    this.closing ??= this.tail.then(async () => {
      // A failed detach leaves nothing to undo here: either the session is gone (and every handle with it) or
      // Janus stopped answering, which the client reports as the link lost.
      if (this.owner.isOpen) await this.owner.detach(this.id).catch(() => undefined);
    });
    return this.closing;
  }
}

import { randomBytes } from 'node:crypto';
import type { WaitingInfo } from '@backdrop/protocol';

/** How a newcomer's wait ended. `closed`: the room went away (emptied, or the SFU was lost). */
export type KnockOutcome = 'admitted' | 'denied' | 'timeout' | 'cancelled' | 'closed';

export interface Knock {
  readonly id: string;
  /** Settles once, with how the wait ended. */
  readonly outcome: Promise<KnockOutcome>;
}

export interface LobbyOptions {
  /** Most newcomers waiting at once; a knock past it is refused. */
  maxWaiting: number;
  /** How long a newcomer waits before it is turned away (`timeout`). */
  timeoutMs: number;
  /** The waiting list changed: hosts are told. */
  onChange: (waiting: WaitingInfo[]) => void;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (timer: unknown) => void;
}

interface Entry {
  info: WaitingInfo;
  key: string;
  timer: unknown;
  settle: (outcome: KnockOutcome) => void;
}

export type KnockRefusal = 'full' | 'name_taken';

/**
 * A locked room's waiting room: newcomers in arrival order, each with a deadline. A waiting newcomer holds no
 * seat and no SFU handle; it is only an entry here until a host answers, its time runs out, it gives up
 * (its socket closed) or the room goes away. Every entry settles exactly once.
 */
export class Lobby {
  private readonly entries = new Map<string, Entry>();
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (timer: unknown) => void;

  constructor(private readonly options: LobbyOptions) {
    this.setTimer =
      options.setTimer ??
      ((fn, ms) => {
        const t = setTimeout(fn, ms);
        t.unref();
        return t;
      });
    this.clearTimer = options.clearTimer ?? ((t) => clearTimeout(t as NodeJS.Timeout));
  }

  get size(): number {
    return this.entries.size;
  }

  list(): WaitingInfo[] {
    return [...this.entries.values()].map((e) => e.info);
  }

  /**
   * A newcomer named `name` (`key`: its display-name key, so two waiting under one name are refused) starts
   * waiting; `signal` aborting (its socket closed) gives up the wait.
   */
  knock(name: string, key: string, signal?: AbortSignal): Knock | KnockRefusal {
    if (this.entries.size >= this.options.maxWaiting) return 'full';
    for (const entry of this.entries.values()) if (entry.key === key) return 'name_taken';
    const id = `w_${randomBytes(9).toString('base64url')}`;
    let resolve!: (outcome: KnockOutcome) => void;
    const outcome = new Promise<KnockOutcome>((r) => {
      resolve = r;
    });
    const onAbort = () => this.settle(id, 'cancelled');
    const entry: Entry = {
      info: { id, name },
      key,
      timer: this.setTimer(() => this.settle(id, 'timeout'), this.options.timeoutMs),
      settle: (result) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(result);
      },
    };
    this.entries.set(id, entry);
    if (signal?.aborted) {
      this.settle(id, 'cancelled');
      return { id, outcome };
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    this.options.onChange(this.list());
    return { id, outcome };
  }

  /** A host's answer. False if nobody waits under that id (answered, gone, or never there). */
  answer(id: string, admit: boolean): boolean {
    return this.settle(id, admit ? 'admitted' : 'denied');
  }

  /** The room goes away: every newcomer's wait ends with `outcome`. */
  close(outcome: KnockOutcome): void {
    for (const id of [...this.entries.keys()]) this.settle(id, outcome, { quiet: true });
  }

  private settle(id: string, outcome: KnockOutcome, options: { quiet?: boolean } = {}): boolean {
    const entry = this.entries.get(id);
    if (!entry) return false;
    this.entries.delete(id);
    this.clearTimer(entry.timer);
    entry.settle(outcome);
    if (!options.quiet) this.options.onChange(this.list());
    return true;
  }
}

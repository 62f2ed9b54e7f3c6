import type { Reaction } from '@backdrop/protocol';
import { type ReadonlySignal, signal } from '@preact/signals';

/** How long a reaction stays on its sender's tile. */
export const REACTION_SHOWN_MS = 4000;

export interface ShownReaction {
  emoji: Reaction;
  /** Rises with every reaction, so the same emoji twice in a row still re-renders. */
  serial: number;
}

/**
 * The reaction each participant's tile shows now: the latest one, for REACTION_SHOWN_MS. Timers are the
 * store's and stop on `dispose`. No DOM.
 */
export class ReactionStore {
  private readonly shown = signal<ReadonlyMap<string, ShownReaction>>(new Map());
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private serial = 0;

  constructor(
    private readonly timer: {
      set: (fn: () => void, ms: number) => ReturnType<typeof setTimeout>;
      clear: (t: ReturnType<typeof setTimeout>) => void;
    } = { set: (fn, ms) => setTimeout(fn, ms), clear: (t) => clearTimeout(t) },
  ) {}

  get current(): ReadonlySignal<ReadonlyMap<string, ShownReaction>> {
    return this.shown;
  }

  show(participantId: string, emoji: Reaction): void {
    const previous = this.timers.get(participantId);
    if (previous !== undefined) this.timer.clear(previous);
    this.set(participantId, { emoji, serial: ++this.serial });
    this.timers.set(
      participantId,
      this.timer.set(() => {
        this.timers.delete(participantId);
        this.set(participantId, undefined);
      }, REACTION_SHOWN_MS),
    );
  }

  dispose(): void {
    for (const t of this.timers.values()) this.timer.clear(t);
    this.timers.clear();
    this.shown.value = new Map();
  }

  private set(participantId: string, value: ShownReaction | undefined): void {
    const next = new Map(this.shown.value);
    if (value) next.set(participantId, value);
    else next.delete(participantId);
    this.shown.value = next;
  }
}

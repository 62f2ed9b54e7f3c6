import type { ChatEntry } from '@backdrop/protocol';
import { type ReadonlySignal, signal } from '@preact/signals';

/**
 * The chat panel's state: the messages (as the SDK keeps them: in `seq` order, each once) and the unread count
 * shown on the chat button while the panel is closed. Messages from the history sent on joining, and our own,
 * are not unread. No DOM: tested in Node.
 */
export class ChatStore {
  private readonly list = signal<readonly ChatEntry[]>([]);
  private readonly unreadCount = signal(0);
  private open = false;

  constructor(
    /** Our participant id now (it changes on a fresh rejoin). */
    private readonly selfId: () => string | undefined,
  ) {}

  get messages(): ReadonlySignal<readonly ChatEntry[]> {
    return this.list;
  }

  get unread(): ReadonlySignal<number> {
    return this.unreadCount;
  }

  /** A message arrived; `all` is the whole list in order, with it. */
  received(entry: ChatEntry, all: readonly ChatEntry[], history: boolean): void {
    this.list.value = [...all];
    if (!this.open && !history && entry.from !== this.selfId()) this.unreadCount.value++;
  }

  /** The list started again (a fresh join). */
  reset(): void {
    this.list.value = [];
    this.unreadCount.value = 0;
  }

  /** The panel opened (everything is read) or closed. */
  setOpen(open: boolean): void {
    this.open = open;
    if (open) this.unreadCount.value = 0;
  }
}

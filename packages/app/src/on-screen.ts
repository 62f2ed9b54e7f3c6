/**
 * Who of the others is on screen with video (issue 11 item 7, "only the tiles on screen"): last-N by speaking
 * order, as Jitsi does, rather than pages. A meeting follows whoever talks, so the people you need to see are
 * the recent speakers; pages would make you hunt for them and scroll away from them. The pinned participant
 * always stays on screen; the others are kept in order of when they last started speaking (those who never
 * spoke in join order, after them). Hysteresis: a tile stays at least `MIN_ON_SCREEN_MS` before a speaker may
 * take its place, so two people talking over each other in a full grid do not make tiles jump every second.
 * The rest are off screen: their audio still plays, their video is not sent (layer `off`). Pure.
 */

/** A tile on screen stays at least this long before a new speaker may take its place. */
export const MIN_ON_SCREEN_MS = 4000;

export interface OnScreenInput {
  /** The others' camera tiles (participant ids), in the order they joined. */
  ids: readonly string[];
  /** Who is speaking now. */
  speaking: ReadonlySet<string>;
  /** The pinned participant, if any: always on screen. */
  pinned?: string | undefined;
  /** How many of the others may be on screen with video (at least 1 when anyone is there). */
  slots: number;
  nowMs: number;
}

export interface OnScreen {
  /** On screen, in join order (so tiles keep their places in the grid). */
  shown: string[];
  /** Off screen, most recent speaker first. */
  hidden: string[];
  /** Everyone by speaking order, most recent first: who the speaker view puts on the stage. */
  order: string[];
}

/**
 * Keeps the speaking order and the on-screen set between updates. Call `update` whenever the participants,
 * the speaking state, the pin or the slots change, and about once a second besides (a tile's minimum time
 * on screen ending is a change too).
 */
export class OnScreenPicker {
  /** Most recent speaker first; never-spoken ones at the end in join order. */
  private order: string[] = [];
  /** On screen now, with the time each came on. */
  private readonly shown = new Map<string, number>();
  private wasSpeaking = new Set<string>();

  update(input: OnScreenInput): OnScreen {
    const { ids, speaking, nowMs } = input;
    const present = new Set(ids);
    const pinned = input.pinned !== undefined && present.has(input.pinned) ? input.pinned : undefined;
    const slots = ids.length === 0 ? 0 : Math.max(1, Math.floor(input.slots));

    this.order = this.order.filter((id) => present.has(id));
    for (const id of ids) if (!this.order.includes(id)) this.order.push(id);
    // Who started speaking since the last update goes to the front (several at once keep their order).
    const started = this.order.filter((id) => speaking.has(id) && !this.wasSpeaking.has(id));
    if (started.length > 0) this.order = [...started, ...this.order.filter((id) => !started.includes(id))];
    this.wasSpeaking = new Set([...speaking].filter((id) => present.has(id)));

    for (const id of [...this.shown.keys()]) if (!present.has(id)) this.shown.delete(id);
    const rank = (id: string) => this.order.indexOf(id);
    const byRecency = (a: string, b: string) => rank(a) - rank(b);
    const evictable = (respectDwell: boolean) =>
      [...this.shown.entries()]
        .filter(([id, since]) => id !== pinned && (!respectDwell || nowMs - since >= MIN_ON_SCREEN_MS))
        .map(([id]) => id)
        .sort(byRecency);

    // The pin comes on at once, in place of the least recent speaker if there is no room.
    if (pinned !== undefined && !this.shown.has(pinned)) {
      if (this.shown.size >= slots) this.shown.delete(evictable(false).at(-1)!);
      this.shown.set(pinned, nowMs);
    }
    // Fewer slots than tiles (the window shrank): the least recent speakers go.
    while (this.shown.size > slots) this.shown.delete(evictable(false).at(-1)!);
    // Free slots are filled at once, most recent speakers first.
    for (const id of this.order) {
      if (this.shown.size >= slots) break;
      if (!this.shown.has(id)) this.shown.set(id, nowMs);
    }
    // Who should be on (the pin, then the most recent speakers) takes the place of the least recent speaker
    // on screen, once that one has had its minimum time.
    const wanted = [
      ...(pinned === undefined ? [] : [pinned]),
      ...this.order.filter((id) => id !== pinned),
    ].slice(0, slots);
    for (const id of wanted) {
      if (this.shown.has(id)) continue;
      const out = evictable(true).filter((candidate) => !wanted.includes(candidate));
      const last = out.at(-1);
      if (last === undefined) break;
      this.shown.delete(last);
      this.shown.set(id, nowMs);
    }

    return {
      shown: ids.filter((id) => this.shown.has(id)),
      hidden: this.order.filter((id) => !this.shown.has(id)),
      order: [...this.order],
    };
  }
}

import type { Reaction } from '@backdrop/protocol';
import { type ReadonlySignal, type Signal, signal } from '@preact/signals';

/** Where a tile's picture comes from: someone's camera, or a screen they share (a tile of its own). */
export type TileSource = 'camera' | 'screen';

/**
 * What one tile shows: a participant's camera (or screen share). The call fills it from the SDK's events; a
 * field that nothing reports yet stays false (`speaking`, `hand`, a remote `muted`/`cameraOff` until their
 * state is signalled), so the tile never claims what nobody told it.
 */
export interface ParticipantView {
  /** The participant's id (`local` for ourselves until the server gives us one). */
  id: string;
  name: string;
  local: boolean;
  source: TileSource;
  /** The stream the tile's `<video>` plays (the SDK adds and removes tracks on it). */
  stream: MediaStream | undefined;
  /** The stream's tracks when last told: a change re-attaches and re-plays the video. */
  tracks: readonly MediaStreamTrack[];
  muted: boolean;
  cameraOff: boolean;
  speaking: boolean;
  hand: boolean;
  /** 1-based place of the raised hand in the room's raise order (undefined while the hand is down). */
  handOrder?: number | undefined;
  /** A quick reaction shown on the tile for a moment. */
  reaction?: Reaction | undefined;
  connection: 'connected' | 'reconnecting';
}

/** One tile in the grid: a stable key and the signal of its view (only that tile re-renders on a change). */
export interface TileModel {
  readonly key: string;
  readonly view: ReadonlySignal<ParticipantView>;
}

/** The tile key of a participant's source. */
export function tileKey(participantId: string, source: TileSource): string {
  return `${participantId}:${source}`;
}

/** A view with every state field at its honest default. */
export function participantView(
  fields: Pick<ParticipantView, 'id' | 'name' | 'local'> & Partial<ParticipantView>,
): ParticipantView {
  return {
    source: 'camera',
    stream: undefined,
    tracks: [],
    muted: false,
    cameraOff: false,
    speaking: false,
    hand: false,
    connection: 'connected',
    ...fields,
  };
}

function sameView(a: ParticipantView, b: ParticipantView): boolean {
  for (const key of Object.keys(b) as (keyof ParticipantView)[]) {
    const x = a[key];
    const y = b[key];
    if (Array.isArray(x) && Array.isArray(y)) {
      if (x.length !== y.length || x.some((t, i) => t !== y[i])) return false;
    } else if (x !== y) return false;
  }
  return true;
}

/**
 * The call's tiles, in the order they appeared: a signal for the list (changes on add/remove only) and a signal
 * per tile (changes when that tile's view changes). No DOM: tested in Node.
 */
export class ParticipantStore {
  private readonly views = new Map<string, Signal<ParticipantView>>();
  private readonly list = signal<readonly TileModel[]>([]);

  /** The tiles, in order. */
  get tiles(): ReadonlySignal<readonly TileModel[]> {
    return this.list;
  }

  /** Adds a tile for `view` (keyed by its id and source), or updates the existing one. Returns its key. */
  upsert(view: ParticipantView): string {
    const key = tileKey(view.id, view.source);
    const existing = this.views.get(key);
    if (existing) {
      if (!sameView(existing.peek(), view)) existing.value = view;
      return key;
    }
    const model = signal(view);
    this.views.set(key, model);
    this.list.value = [...this.list.peek(), { key, view: model }];
    return key;
  }

  /** Changes some fields of a tile; unknown keys and changes to nothing are ignored (no re-render). */
  patch(key: string, changes: Partial<Omit<ParticipantView, 'id' | 'source' | 'local'>>): void {
    const model = this.views.get(key);
    if (!model) return;
    // peek: a caller inside an effect (the local tile follows media signals) must not subscribe to the tile.
    const next = { ...model.peek(), ...changes };
    if (!sameView(model.peek(), next)) model.value = next;
  }

  /** Changes the same fields on every tile of a participant (camera and screen). */
  patchParticipant(id: string, changes: Partial<Omit<ParticipantView, 'id' | 'source' | 'local'>>): void {
    for (const [key, model] of this.views) if (model.peek().id === id) this.patch(key, changes);
  }

  /** The current view of a tile. */
  get(key: string): ParticipantView | undefined {
    return this.views.get(key)?.peek();
  }

  /** Removes one tile. */
  remove(key: string): void {
    if (!this.views.delete(key)) return;
    this.list.value = this.list.peek().filter((t) => t.key !== key);
  }

  /** Removes every tile of a participant (they left). */
  removeParticipant(id: string): void {
    const gone = [...this.views].filter(([, m]) => m.peek().id === id).map(([key]) => key);
    if (gone.length === 0) return;
    for (const key of gone) this.views.delete(key);
    this.list.value = this.list.peek().filter((t) => !gone.includes(t.key));
  }

  /** Every tile gone (the call ended). */
  clear(): void {
    this.views.clear();
    this.list.value = [];
  }
}

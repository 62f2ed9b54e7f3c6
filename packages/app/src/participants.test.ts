import { effect, signal } from '@preact/signals';
import { describe, expect, it } from 'vitest';
import { ParticipantStore, participantView, tileKey } from './participants.js';

const track = (kind: 'audio' | 'video') => ({ kind }) as MediaStreamTrack;

describe('participant view model', () => {
  it('starts every state field at its honest default', () => {
    expect(participantView({ id: 'p_1', name: 'Bob', local: false })).toEqual({
      id: 'p_1',
      name: 'Bob',
      local: false,
      source: 'camera',
      stream: undefined,
      tracks: [],
      muted: false,
      cameraOff: false,
      speaking: false,
      hand: false,
      connection: 'connected',
    });
  });

  it('keeps tiles in arrival order, one per participant and source', () => {
    const store = new ParticipantStore();
    store.upsert(participantView({ id: 'local', name: 'Me', local: true }));
    store.upsert(participantView({ id: 'p_1', name: 'Bob', local: false }));
    store.upsert(participantView({ id: 'p_1', name: 'Bob', local: false, source: 'screen' }));
    store.upsert(participantView({ id: 'p_1', name: 'Bob', local: false })); // again: no new tile
    expect(store.tiles.value.map((t) => t.key)).toEqual(['local:camera', 'p_1:camera', 'p_1:screen']);
    store.removeParticipant('p_1');
    expect(store.tiles.value.map((t) => t.key)).toEqual(['local:camera']);
  });

  it('a change re-renders only its tile; a change to nothing re-renders none', () => {
    const store = new ParticipantStore();
    const a = store.upsert(participantView({ id: 'p_a', name: 'A', local: false }));
    const b = store.upsert(participantView({ id: 'p_b', name: 'B', local: false }));
    const [ta, tb] = store.tiles.value;
    const runs = { a: 0, b: 0, list: 0 };
    const stops = [
      effect(() => {
        ta!.view.value;
        runs.a++;
      }),
      effect(() => {
        tb!.view.value;
        runs.b++;
      }),
      effect(() => {
        store.tiles.value;
        runs.list++;
      }),
    ];
    store.patch(a, { muted: true });
    store.patch(a, { muted: true });
    const v = track('video');
    store.patch(b, { tracks: [v] });
    store.patch(b, { tracks: [v] });
    store.patch('p_nobody:camera', { hand: true });
    for (const stop of stops) stop();
    expect(runs).toEqual({ a: 2, b: 2, list: 1 });
    expect(store.get(a)?.muted).toBe(true);
    expect(store.get(b)?.tracks).toEqual([v]);
  });

  it('patches every tile of a participant, and removes one tile alone', () => {
    const store = new ParticipantStore();
    store.upsert(participantView({ id: 'p_1', name: 'Bob', local: false }));
    store.upsert(participantView({ id: 'p_1', name: 'Bob', local: false, source: 'screen' }));
    store.patchParticipant('p_1', { connection: 'reconnecting' });
    expect(store.get(tileKey('p_1', 'camera'))?.connection).toBe('reconnecting');
    expect(store.get(tileKey('p_1', 'screen'))?.connection).toBe('reconnecting');
    store.remove(tileKey('p_1', 'screen'));
    expect(store.tiles.value.map((t) => t.key)).toEqual(['p_1:camera']);
    store.clear();
    expect(store.tiles.value).toEqual([]);
    expect(store.get('p_1:camera')).toBeUndefined();
  });

  it('an effect that patches a tile does not depend on that tile', () => {
    const store = new ParticipantStore();
    const key = store.upsert(participantView({ id: 'local', name: 'Me', local: true }));
    const source = signal(false);
    let runs = 0;
    const stop = effect(() => {
      runs++;
      store.patch(key, { muted: source.value });
    });
    store.patch(key, { hand: true }); // someone else changes the tile: the effect must not run again
    source.value = true;
    stop();
    expect(runs).toBe(2);
    expect(store.get(key)).toMatchObject({ muted: true, hand: true });
  });
});

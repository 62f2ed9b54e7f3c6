import { describe, expect, it } from 'vitest';
import { ScreenShareController, type ShareRoom } from './screen-share.js';

type Listener = (...args: unknown[]) => void;

/** The part of Room the controller uses, scripted. */
function fakeRoom() {
  const listeners = new Map<string, Set<Listener>>();
  const calls: string[] = [];
  const room = {
    localScreenShare: undefined as unknown,
    on(event: string, listener: Listener) {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event)!.add(listener);
      return () => listeners.get(event)!.delete(listener);
    },
    async startScreenShare() {
      calls.push('start');
    },
    async stopScreenShare() {
      calls.push('stop');
    },
    setVideoLayers() {},
  };
  const emit = (event: string, ...args: unknown[]) => {
    for (const l of listeners.get(event) ?? []) l(...args);
  };
  return { room: room as unknown as ShareRoom, raw: room, emit, calls, listeners };
}

const track = (kind: string) => ({ kind, stop() {} }) as unknown as MediaStreamTrack;
const participant = (id: string, sharing: boolean, tracks: MediaStreamTrack[]) => ({
  id,
  name: id.toUpperCase(),
  sharing,
  screenStream: { getTracks: () => tracks },
});

describe('ScreenShareController', () => {
  it('lists a share once it is on and its video arrived, and drops it when it stops or its sharer leaves', () => {
    const { room, emit } = fakeRoom();
    const c = new ScreenShareController(room, async () => ({}) as MediaStream);
    emit('screenShareChanged', participant('a', true, []));
    expect(c.shares.value).toEqual([]); // told, but nothing to show yet
    emit('screenShareChanged', participant('a', true, [track('video')]));
    emit('screenShareChanged', participant('b', true, [track('video'), track('audio')]));
    expect(c.shares.value.map((s) => s.participantId)).toEqual(['a', 'b']);
    emit('screenShareChanged', participant('a', false, [track('video')]));
    emit('participantLeft', { id: 'b' });
    expect(c.shares.value).toEqual([]);
  });

  it('toggles our share: picker, then start; stop while sharing; a refused start stops the capture', async () => {
    const { room, raw, emit, calls } = fakeRoom();
    let stopped = 0;
    const stream = { getTracks: () => [{ stop: () => stopped++ }] } as unknown as MediaStream;
    const c = new ScreenShareController(room, async () => stream);
    await c.toggle();
    expect(calls).toEqual(['start']);
    const video = track('video');
    emit('localScreenShareChanged', video);
    expect(c.local.value).toBe(video);
    await c.toggle();
    expect(calls).toEqual(['start', 'stop']);
    emit('localScreenShareChanged', undefined);
    raw.startScreenShare = async () => {
      throw new Error('not publishing');
    };
    await expect(c.toggle()).rejects.toThrow(/not publishing/);
    expect(stopped).toBe(1);
  });

  it('close removes its listeners', () => {
    const { room, listeners } = fakeRoom();
    const c = new ScreenShareController(room);
    c.close();
    expect([...listeners.values()].every((set) => set.size === 0)).toBe(true);
  });
});

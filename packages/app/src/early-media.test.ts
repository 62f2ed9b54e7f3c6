import { describe, expect, it, vi } from 'vitest';
import { parsePrefs } from './devices.js';
import { dropEarlyMedia, readRequestPrefs, startEarlyMedia, takeEarlyMedia } from './early-media.js';
import { firstMediaRequest } from './media-request.js';

/** A stream whose tracks record stop(). */
function fakeStream() {
  const tracks = [{ stop: vi.fn() }, { stop: vi.fn() }];
  return { stream: { getTracks: () => tracks } as unknown as MediaStream, tracks };
}

describe('early media hand-off', () => {
  const request = firstMediaRequest({ audioProcessing: true });

  it('gives the early stream to the same request, once', async () => {
    const holder = {};
    const { stream } = fakeStream();
    const getUserMedia = vi.fn(async () => stream);
    startEarlyMedia(request, getUserMedia, holder);
    expect(getUserMedia).toHaveBeenCalledWith(request);
    // The app builds its own (equal, not identical) constraints object.
    const taken = takeEarlyMedia(firstMediaRequest({ audioProcessing: true }), holder);
    expect(await taken).toBe(stream);
    expect(takeEarlyMedia(request, holder)).toBeUndefined();
  });

  it('marks when the browser was asked and when it gave the tracks (not on a refusal)', async () => {
    const marks = () => performance.getEntriesByType('mark').map((m) => m.name);
    performance.clearMarks();
    let grant: (s: MediaStream) => void = () => undefined;
    const { stream } = fakeStream();
    startEarlyMedia(request, () => new Promise((resolve) => (grant = resolve)), {});
    expect(marks()).toEqual(['backdrop:camera-asked']);
    grant(stream);
    await Promise.resolve();
    expect(marks()).toEqual(['backdrop:camera-asked', 'backdrop:camera-granted']);

    performance.clearMarks();
    startEarlyMedia(request, async () => Promise.reject(new DOMException('no', 'NotAllowedError')), {});
    await Promise.resolve();
    await Promise.resolve();
    expect(marks()).toEqual(['backdrop:camera-asked']);
  });

  it('stops the early tracks when the app asks for something else', async () => {
    const holder = {};
    const { stream, tracks } = fakeStream();
    startEarlyMedia(request, async () => stream, holder);
    const other = firstMediaRequest({ audioProcessing: false });
    expect(takeEarlyMedia(other, holder)).toBeUndefined();
    await Promise.resolve();
    await Promise.resolve();
    for (const track of tracks) expect(track.stop).toHaveBeenCalledOnce();
  });

  it('stops the early tracks of a page that shows no lobby', async () => {
    const holder = {};
    const { stream, tracks } = fakeStream();
    startEarlyMedia(request, async () => stream, holder);
    dropEarlyMedia(holder);
    await new Promise((r) => setTimeout(r, 0));
    for (const track of tracks) expect(track.stop).toHaveBeenCalledOnce();
    expect(takeEarlyMedia(request, holder)).toBeUndefined();
  });

  it('hands over a refusal for the app to classify', async () => {
    const holder = {};
    const refused = Object.assign(new Error('denied'), { name: 'NotAllowedError' });
    startEarlyMedia(request, () => Promise.reject(refused), holder);
    await expect(takeEarlyMedia(request, holder)).rejects.toBe(refused);
  });

  it('does nothing without getUserMedia', () => {
    const holder = {};
    startEarlyMedia(request, undefined, holder);
    expect(takeEarlyMedia(request, holder)).toBeUndefined();
  });
});

describe('readRequestPrefs', () => {
  const camera = { deviceId: 'cam-1', label: 'Front camera' };
  const mic = { deviceId: 'mic-2', label: 'Headset' };
  // Stored prefs the app itself writes: the early request must be the app's first request exactly.
  const stored = [
    null,
    '{}',
    JSON.stringify({ videoinput: camera }),
    JSON.stringify({ audioinput: mic, audioProcessing: false }),
    JSON.stringify({ videoinput: camera, audioinput: mic, audiooutput: mic, audioProcessing: true }),
    'not json',
    '[1,2]',
  ];
  for (const raw of stored)
    it(`makes the app's first request for ${raw}`, () => {
      expect(firstMediaRequest(readRequestPrefs(raw))).toEqual(firstMediaRequest(parsePrefs(raw)));
    });

  it('reads odd values as the defaults', () => {
    expect(readRequestPrefs(JSON.stringify({ videoinput: { deviceId: 7 }, audioProcessing: 'no' }))).toEqual({
      audioProcessing: true,
    });
  });
});

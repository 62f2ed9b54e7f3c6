import { describe, expect, it, vi } from 'vitest';
import { parsePrefs } from './devices.js';
import { dropEarlyMedia, readRequestPrefs, startEarlyMedia, takeEarlyMedia } from './early-media.js';
import { firstMediaRequest, mediaPermissionsGranted } from './media-request.js';

/** A stream whose tracks record stop(). */
function fakeStream() {
  const tracks = [{ stop: vi.fn() }, { stop: vi.fn() }];
  return { stream: { getTracks: () => tracks } as unknown as MediaStream, tracks };
}

describe('early media hand-off', () => {
  const request = firstMediaRequest({ audioProcessing: true });
  const together = Promise.resolve(false);
  const apart = Promise.resolve(true);
  const settle = () => new Promise((r) => setTimeout(r, 0));

  it('gives the early stream to the same request, once', async () => {
    const holder = {};
    const { stream } = fakeStream();
    const getUserMedia = vi.fn(async () => stream);
    startEarlyMedia(request, getUserMedia, holder, together);
    // The app builds its own (equal, not identical) constraints object.
    const taken = await takeEarlyMedia(firstMediaRequest({ audioProcessing: true }), holder);
    expect(getUserMedia).toHaveBeenCalledWith(request);
    expect(taken?.kind).toBe('together');
    expect(taken?.kind === 'together' && (await taken.stream)).toBe(stream);
    expect(takeEarlyMedia(request, holder)).toBeUndefined();
  });

  it('asks for the camera first, then the microphone, where the site may use both', async () => {
    const holder = {};
    const camera = fakeStream().stream;
    const microphone = fakeStream().stream;
    const getUserMedia = vi.fn(async (c: MediaStreamConstraints) => (c.video ? camera : microphone));
    startEarlyMedia(request, getUserMedia, holder, apart);
    const taken = await takeEarlyMedia(request, holder);
    expect(getUserMedia.mock.calls.map(([c]) => c)).toEqual([
      { video: request.video },
      { audio: request.audio },
    ]);
    expect(taken?.kind).toBe('apart');
    if (taken?.kind !== 'apart') return;
    expect(await taken.camera).toBe(camera);
    expect(await taken.microphone).toBe(microphone);
  });

  it('marks when the browser was asked and when it gave the camera (not on a refusal)', async () => {
    const marks = () => performance.getEntriesByType('mark').map((m) => m.name);
    for (const separately of [together, apart]) {
      performance.clearMarks();
      // The first request is the camera's (or both kinds'); apart, the microphone's stays unanswered.
      const grants: ((s: MediaStream) => void)[] = [];
      const { stream } = fakeStream();
      startEarlyMedia(request, () => new Promise((resolve) => grants.push(resolve)), {}, separately);
      await settle();
      expect(marks()).toEqual(['backdrop:camera-asked']);
      grants[0]!(stream);
      await settle();
      expect(marks()).toEqual(['backdrop:camera-asked', 'backdrop:camera-granted']);
    }

    performance.clearMarks();
    startEarlyMedia(
      request,
      async () => Promise.reject(new DOMException('no', 'NotAllowedError')),
      {},
      together,
    );
    await settle();
    expect(marks()).toEqual(['backdrop:camera-asked']);
  });

  it('stops the early tracks when the app asks for something else', async () => {
    for (const separately of [together, apart]) {
      const holder = {};
      const { stream, tracks } = fakeStream();
      startEarlyMedia(request, async () => stream, holder, separately);
      const other = firstMediaRequest({ audioProcessing: false });
      expect(takeEarlyMedia(other, holder)).toBeUndefined();
      await settle();
      // Apart, the one fake stream came twice (camera and microphone): stopped for each.
      for (const track of tracks) expect(track.stop).toHaveBeenCalledTimes(separately === apart ? 2 : 1);
    }
  });

  it('stops the early tracks of a page that shows no lobby', async () => {
    const holder = {};
    const { stream, tracks } = fakeStream();
    startEarlyMedia(request, async () => stream, holder, together);
    dropEarlyMedia(holder);
    await settle();
    for (const track of tracks) expect(track.stop).toHaveBeenCalledOnce();
    expect(takeEarlyMedia(request, holder)).toBeUndefined();
  });

  it('asks for nothing once the app has taken the early ask or let it go (the early script ran late)', async () => {
    for (const close of [(h: object) => takeEarlyMedia(request, h), dropEarlyMedia]) {
      const holder = {};
      close(holder);
      const getUserMedia = vi.fn(async () => fakeStream().stream);
      startEarlyMedia(request, getUserMedia, holder, together);
      await settle();
      expect(getUserMedia).not.toHaveBeenCalled();
      expect(takeEarlyMedia(request, holder)).toBeUndefined();
    }
  });

  it('hands over a refusal for the app to classify', async () => {
    const holder = {};
    const refused = Object.assign(new Error('denied'), { name: 'NotAllowedError' });
    startEarlyMedia(request, () => Promise.reject(refused), holder, apart);
    const taken = await takeEarlyMedia(request, holder);
    if (taken?.kind !== 'apart') throw new Error('expected an apart ask');
    await expect(taken.camera).rejects.toBe(refused);
    await expect(taken.microphone).rejects.toBe(refused);
  });

  it('does nothing without getUserMedia', () => {
    const holder = {};
    startEarlyMedia(request, undefined, holder, together);
    expect(takeEarlyMedia(request, holder)).toBeUndefined();
  });
});

describe('mediaPermissionsGranted', () => {
  const query = (states: Record<string, string>) => async (d: { name: string }) => {
    const state = states[d.name];
    if (state === undefined) throw new TypeError(`'${d.name}' is not a valid permission name`);
    return { state };
  };

  it('is true only when both the camera and the microphone are granted', async () => {
    expect(await mediaPermissionsGranted(query({ camera: 'granted', microphone: 'granted' }))).toBe(true);
    expect(await mediaPermissionsGranted(query({ camera: 'granted', microphone: 'prompt' }))).toBe(false);
    expect(await mediaPermissionsGranted(query({ camera: 'prompt', microphone: 'granted' }))).toBe(false);
    expect(await mediaPermissionsGranted(query({ camera: 'denied', microphone: 'granted' }))).toBe(false);
  });

  it('is false where the browser cannot tell (one request, one prompt)', async () => {
    expect(await mediaPermissionsGranted(query({ microphone: 'granted' }))).toBe(false);
    expect(await mediaPermissionsGranted(undefined)).toBe(false);
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

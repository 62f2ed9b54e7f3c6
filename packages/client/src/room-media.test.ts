import { describe, expect, it } from 'vitest';
import { settle } from '../test/fake-clock.js';
import { FakeMediaStream, type FakeTrack } from '../test/fake-media.js';
import { BOB, join, publish, setUpRoom } from '../test/room-harness.js';

/** A captured screen track: getDisplayMedia's, which ends when the browser's own "Stop sharing" is used. */
class DisplayTrack extends EventTarget {
  readonly id = `screen-${Math.random()}`;
  readyState: 'live' | 'ended' = 'live';
  contentHint = '';
  constructor(readonly kind: 'audio' | 'video') {
    super();
  }
  stop(): void {
    this.readyState = 'ended';
  }
  /** What the browser does when the user presses its "Stop sharing". */
  endFromBrowser(): void {
    this.readyState = 'ended';
    this.dispatchEvent(new Event('ended'));
  }
}

const asStream = (...tracks: DisplayTrack[]) =>
  new FakeMediaStream(tracks as unknown as FakeTrack[]) as unknown as MediaStream;

describe('publishing: simulcast camera and empty screen m-lines', () => {
  it('adds microphone, camera (three layers h, m, l), screen video and screen audio, in that order', async () => {
    const h = setUpRoom();
    const socket = await join(h);
    const { pc, audio, video } = await publish(h, socket);
    expect(pc.getSenders().map((s) => s.track)).toEqual([audio, video, null, null]);
    expect(pc.transceivers.map((t) => t.receiver.track.kind)).toEqual(['audio', 'video', 'video', 'audio']);
    const camera = pc.transceiverInits[1]?.sendEncodings;
    expect(camera?.map((e) => [e.rid, e.scaleResolutionDownBy])).toEqual([
      ['h', 1],
      ['m', 2],
      ['l', 4],
    ]);
    expect(camera?.every((e) => (e.maxBitrate ?? 0) > 0)).toBe(true);
  });

  it('sends one camera layer with simulcast off', async () => {
    const h = setUpRoom({ simulcast: false });
    const socket = await join(h);
    const { pc } = await publish(h, socket);
    expect(pc.transceiverInits[1]?.sendEncodings).toBeUndefined();
  });
});

describe('screen share (ours)', () => {
  it('puts the share on the screen m-lines, tells the server, and stops when the browser ends it', async () => {
    const h = setUpRoom();
    const shares: (string | undefined)[] = [];
    h.room.on('localScreenShareChanged', (t) => shares.push(t?.id));
    const socket = await join(h);
    const { pc } = await publish(h, socket);
    const video = new DisplayTrack('video');
    const audio = new DisplayTrack('audio');
    await h.room.startScreenShare(asStream(video, audio));
    expect(pc.getSenders().map((s) => s.track)).toEqual([expect.anything(), expect.anything(), video, audio]);
    expect(await socket.received('screenShare')).toMatchObject({ active: true });
    expect(video.contentHint).toBe('detail');
    video.endFromBrowser();
    await settle();
    expect(await socket.received('screenShare')).toMatchObject({ active: false });
    expect(pc.getSenders()[2]?.track).toBeNull();
    expect(audio.readyState).toBe('ended'); // the Room owned it and stopped it
    expect(shares).toEqual([video.id, undefined]);
    expect(h.room.localScreenShare).toBeUndefined();
  });

  it('refuses to share before publishing, or a stream with no live video', async () => {
    const h = setUpRoom();
    const socket = await join(h);
    await expect(h.room.startScreenShare(asStream(new DisplayTrack('video')))).rejects.toMatchObject({
      code: 'invalid_state',
    });
    await publish(h, socket);
    await expect(h.room.startScreenShare(asStream(new DisplayTrack('audio')))).rejects.toMatchObject({
      code: 'invalid_state',
    });
    expect(socket.sentOf('screenShare')).toEqual([]);
  });
});

describe('screen share (theirs) and layers', () => {
  it('routes the screen m-line to screenStream, not the camera tile, and follows the server flag', async () => {
    const h = setUpRoom();
    const changes: string[] = [];
    h.room.on('screenShareChanged', (p) =>
      changes.push(`${p.id} ${p.sharing} ${p.screenStream.getTracks().length}`),
    );
    const socket = await join(h, [BOB]);
    const streams = [
      { mid: '0', participantId: BOB.id, kind: 'audio', source: 'camera' },
      { mid: '1', participantId: BOB.id, kind: 'video', source: 'camera' },
      { mid: '2', participantId: BOB.id, kind: 'video', source: 'screen' },
    ];
    socket.deliver({
      type: 'subscriberOffer',
      sdp: streams.map((s) => `a=mid:${s.mid} ${s.kind}`).join('\n'),
      streams,
    });
    await socket.received('subscriberAnswer');
    await settle();
    const bob = h.room.participants.get(BOB.id)!;
    expect(bob.stream.getVideoTracks()).toHaveLength(1);
    expect(bob.screenTrack).toBeDefined();
    expect(bob.screenTrack).not.toBe(bob.videoTrack);
    expect(bob.sharing).toBe(false);
    socket.deliver({ type: 'screenShare', participantId: BOB.id, active: true });
    await settle();
    expect(bob.sharing).toBe(true);
    expect(changes).toEqual([`${BOB.id} false 1`, `${BOB.id} true 1`]);
  });

  it('sends layer requests, split to the message limit', async () => {
    const h = setUpRoom();
    const socket = await join(h);
    const entries = Array.from({ length: 40 }, () => ({
      participantId: BOB.id,
      source: 'camera' as const,
      layer: 'low' as const,
    }));
    h.room.setVideoLayers(entries);
    const sent = socket.sentOf('videoLayers') as unknown as { streams: unknown[] }[];
    expect(sent.map((m) => m.streams.length)).toEqual([32, 8]);
  });
});

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCamera } from './support/cameras.js';
import { type LaunchedBrowser, launchChromium } from './support/chromium.js';
import { poll } from './support/poll.js';
import { inboundVideo, joinAndPublish, openSdkPage } from './support/sdk-page.js';
import { startTestServer, type TestServer } from './support/server.js';

/**
 * Screen share and simulcast layer selection through the SDK, the real server and Janus (no UI): Alice
 * publishes a 1280x720 camera as three layers and shares her (fake) screen; Bob receives both on separate
 * m-lines and picks layers.
 */

describe('screen share and simulcast through the SDK, server and Janus', () => {
  let server: TestServer;
  const browsers: LaunchedBrowser[] = [];
  let alice: Page;
  let bob: Page;

  beforeAll(async () => {
    server = await startTestServer();
    const camera = makeCamera('red', 1280, 720);
    for (const _ of [0, 1]) {
      const browser = await launchChromium({ fakeCamera: camera.file });
      browsers.push(browser);
    }
    alice = await openSdkPage(browsers[0]!.context, server.url);
    bob = await openSdkPage(browsers[1]!.context, server.url);
    await joinAndPublish(alice, 'e2e-media-sdk', 'Alice');
    await joinAndPublish(bob, 'e2e-media-sdk', 'Bob');
  }, 240_000);

  afterAll(async () => {
    await Promise.all(browsers.map((b) => b.close()));
    await server?.stop();
  });

  it('sends the camera as three simulcast layers (quarter, half, full)', async () => {
    const layers = await poll('three camera layers flowing', 60_000, async () => {
      const sent = await alice.evaluate(async () => {
        const pcs = (window as unknown as { pcs: RTCPeerConnection[] }).pcs;
        const rows: { rid: string; frameHeight: number; framesEncoded: number }[] = [];
        for (const pc of pcs) {
          (await pc.getStats()).forEach((s) => {
            if (s.type === 'outbound-rtp' && s.kind === 'video' && s.rid)
              rows.push({ rid: s.rid, frameHeight: s.frameHeight ?? 0, framesEncoded: s.framesEncoded ?? 0 });
          });
        }
        return rows;
      });
      return sent.length === 3 && sent.every((r) => r.framesEncoded > 0) ? sent : undefined;
    });
    console.log('alice sends', JSON.stringify(layers));
    const height = (rid: string) => layers.find((l) => l.rid === rid)!.frameHeight;
    expect(height('h')).toBeGreaterThan(height('m'));
    expect(height('m')).toBeGreaterThan(height('l'));
  });

  it('Bob gets the low layer when he asks for it, and the high one back', async () => {
    const aliceId = await alice.evaluate(() => window.room.localParticipantId as string);
    const camera = async () =>
      (await inboundVideo(bob))
        .filter((s) => s.framesDecoded > 0)
        .sort((a, b) => Number(a.mid) - Number(b.mid))[0];
    const high = await poll('a big camera picture at Bob', 60_000, async () => {
      const c = await camera();
      return c && c.frameHeight >= 540 ? c : undefined;
    });
    await bob.evaluate(
      (id) => window.room.setVideoLayers([{ participantId: id, source: 'camera', layer: 'low' }]),
      aliceId,
    );
    const low = await poll('the low layer at Bob', 60_000, async () => {
      const c = await camera();
      return c && c.frameHeight > 0 && c.frameHeight <= 180 ? c : undefined;
    });
    console.log(
      'bob receives: high',
      high.frameWidth,
      'x',
      high.frameHeight,
      '; low',
      low.frameWidth,
      'x',
      low.frameHeight,
    );
    expect(low.frameHeight).toBeLessThan(high.frameHeight / 3);
    await bob.evaluate(
      (id) => window.room.setVideoLayers([{ participantId: id, source: 'camera', layer: 'high' }]),
      aliceId,
    );
    await poll('the high layer back at Bob', 60_000, async () => {
      const c = await camera();
      return c && c.frameHeight >= 540 ? c : undefined;
    });
  });

  it('Alice shares her screen: Bob gets it as a second video, told it is a share, and it stops', async () => {
    await alice.evaluate(async () => {
      const stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: true });
      await window.room.startScreenShare(stream);
    });
    const share = await poll('Alice\u2019s share at Bob', 60_000, async () =>
      bob.evaluate(() => {
        const alice = [...window.room.participants.values()].find(
          (p: { name: string }) => p.name === 'Alice',
        );
        if (!alice?.sharing || !alice.screenTrack) return undefined;
        const camera = alice.videoTrack?.getSettings();
        const screen = alice.screenTrack.getSettings();
        return screen.width
          ? { camera, screen, sameTrack: alice.screenTrack === alice.videoTrack }
          : undefined;
      }),
    );
    console.log('bob sees share', JSON.stringify(share));
    expect(share.sameTrack).toBe(false);
    // The fake screen is 1280x720 at 30 fps, the camera a 1280x720 file: told apart by what the video shows.
    const pictures = await poll('share and camera decoding', 60_000, async () =>
      bob.evaluate(async () => {
        const alice = [...window.room.participants.values()].find(
          (p: { name: string }) => p.name === 'Alice',
        );
        const grab = async (track: MediaStreamTrack) => {
          const video = document.createElement('video');
          video.muted = true;
          video.srcObject = new MediaStream([track]);
          await video.play();
          await new Promise((r) => setTimeout(r, 500));
          const canvas = document.createElement('canvas');
          canvas.width = 8;
          canvas.height = 8;
          const ctx = canvas.getContext('2d')!;
          ctx.drawImage(video, 0, 0, 8, 8);
          video.srcObject = null;
          return [...ctx.getImageData(0, 0, 8, 8).data];
        };
        const camera = await grab(alice.videoTrack);
        const screen = await grab(alice.screenTrack);
        return camera.some((v) => v > 0) && screen.some((v) => v > 0) ? { camera, screen } : undefined;
      }),
    );
    const distance =
      pictures.camera.reduce((sum, v, i) => sum + Math.abs(v - pictures.screen[i]!), 0) /
      pictures.camera.length;
    console.log('mean pixel difference camera vs share', distance.toFixed(1));
    expect(distance).toBeGreaterThan(20);

    // The browser's own "Stop sharing": the track ends.
    await alice.evaluate(() => window.room.localScreenShare.dispatchEvent(new Event('ended')));
    await poll('the share gone at Bob', 30_000, async () =>
      bob.evaluate(() => {
        const alice = [...window.room.participants.values()].find(
          (p: { name: string }) => p.name === 'Alice',
        );
        return alice && !alice.sharing ? true : undefined;
      }),
    );
  });
});

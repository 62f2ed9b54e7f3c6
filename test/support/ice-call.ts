import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { type FakeCamera, REF_H, REF_W, thumbnailDistance } from './cameras.js';
import { defineTranspilerHelpers } from './page-probes.js';
import { poll } from './poll.js';

/** What a page's remote tiles show: whose, how many frames decoded, and a REF_W x REF_H RGBA thumbnail. */
export interface RemoteFrames {
  name: string;
  frames: number;
  thumbnail: number[];
}

/** The ICE path one PeerConnection of a page settled on. */
export interface IcePath {
  policy: string;
  iceServers: number;
  /** Candidate types of the selected pair (host, srflx, prflx, relay), or undefined before it is chosen. */
  local: string | undefined;
  remote: string | undefined;
}

/**
 * Keeps every RTCPeerConnection the page makes in `window.__backdropPcs`, so a test can read getStats and
 * getConfiguration without the app exposing them. Call before navigating.
 */
export async function recordPeerConnections(page: Page): Promise<void> {
  await defineTranspilerHelpers(page);
  await page.addInitScript(() => {
    const Native = window.RTCPeerConnection;
    const made: RTCPeerConnection[] = [];
    const log: string[] = [];
    const w = window as unknown as { __backdropPcs: RTCPeerConnection[]; __backdropIceLog: string[] };
    w.__backdropPcs = made;
    w.__backdropIceLog = log;
    window.RTCPeerConnection = class extends Native {
      constructor(config?: RTCConfiguration) {
        super(config);
        const index = made.push(this) - 1;
        const note = (what: string) => log.push(`${Math.round(performance.now())} pc${index} ${what}`);
        note('created');
        this.addEventListener('icecandidate', (e) =>
          note(`local ${e.candidate ? (e.candidate.type ?? '?') : 'end'}`),
        );
        this.addEventListener('connectionstatechange', () => note(this.connectionState));
      }
    };
  });
}

export function readRemoteFrames(page: Page): Promise<RemoteFrames[]> {
  return page.evaluate(
    ([w, h]) =>
      [...document.querySelectorAll<HTMLVideoElement>('video[data-participant-name]')].map((video) => {
        const canvas = document.createElement('canvas');
        canvas.width = w;
        canvas.height = h;
        const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
        ctx.drawImage(video, 0, 0, w, h);
        return {
          name: video.dataset.participantName ?? '',
          frames: video.getVideoPlaybackQuality().totalVideoFrames,
          thumbnail: [...ctx.getImageData(0, 0, w, h).data],
        };
      }),
    [REF_W, REF_H] as const,
  );
}

/** A timeline of the page's PeerConnections (ms since navigation): creation, candidates, connection states. */
export function iceTimeline(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __backdropIceLog: string[] }).__backdropIceLog);
}

/** The selected candidate pair of every open PeerConnection of the page (see recordPeerConnections). */
export function icePaths(page: Page): Promise<IcePath[]> {
  return page.evaluate(async () => {
    const pcs = (window as unknown as { __backdropPcs: RTCPeerConnection[] }).__backdropPcs;
    const paths = [];
    for (const pc of pcs) {
      if (pc.connectionState === 'closed') continue;
      const stats = new Map<string, Record<string, unknown>>();
      for (const s of (await pc.getStats()).values() as Iterable<Record<string, unknown>>) {
        stats.set(s.id as string, s);
      }
      const transport = [...stats.values()].find((s) => s.type === 'transport');
      const pair = stats.get(transport?.selectedCandidatePairId as string);
      const config = pc.getConfiguration();
      paths.push({
        policy: config.iceTransportPolicy ?? 'all',
        iceServers: config.iceServers?.length ?? 0,
        local: stats.get(pair?.localCandidateId as string)?.candidateType as string | undefined,
        remote: stats.get(pair?.remoteCandidateId as string)?.candidateType as string | undefined,
      });
    }
    return paths;
  });
}

/** Each page shows exactly the other person, frames advancing, with that person's picture. */
export async function expectEachSeesTheOther(pages: Page[], people: { name: string; camera: FakeCamera }[]) {
  for (const [i, page] of pages.entries()) {
    const other = people[1 - i]!;
    const first = await readRemoteFrames(page);
    const later = await poll(`${people[i]!.name}'s tile to keep decoding`, 30_000, async () => {
      const tiles = await readRemoteFrames(page);
      return tiles.length === 1 && tiles[0]!.frames >= (first[0]?.frames ?? 0) + 10 ? tiles[0] : undefined;
    });
    expect(later.name).toBe(other.name);
    const own = thumbnailDistance(other.camera.reference, later.thumbnail, 4);
    const wrong = thumbnailDistance(people[i]!.camera.reference, later.thumbnail, 4);
    console.log(
      `${people[i]!.name} sees ${later.name}: distance ${own.toFixed(1)} (own camera ${wrong.toFixed(1)})`,
    );
    expect(own).toBeLessThan(25);
    expect(own).toBeLessThan(wrong / 2);
  }
}

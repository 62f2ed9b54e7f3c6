// ICE servers and trickle ICE through the real server, Janus and our coturn (TURN=on), inside scripts/netns.sh.
// Two Chromiums call each other directly (host candidates), then two more are forced through TURN
// (`?ice=relay` -> iceTransportPolicy 'relay'): their video must still arrive, over a relay candidate pair,
// which proves the per-join credentials and the coturn -> Janus relay path end to end.
import { loadavg } from 'node:os';
import { MAX_PENDING_CANDIDATES, type ServerMessage } from '@backdrop/protocol';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeCamera, makeCamera } from './support/cameras.js';
import { type LaunchedBrowser, launchChromium } from './support/chromium.js';
import { RoomsClient } from './support/hostile-rooms.js';
import {
  expectEachSeesTheOther,
  icePaths,
  iceTimeline,
  readRemoteFrames,
  recordPeerConnections,
} from './support/ice-call.js';
import { poll } from './support/poll.js';
import { startTestServer, type TestServer } from './support/server.js';

const TURN_PORT = 3479;
const ENV = {
  TURN: 'on',
  TURN_HOST: '127.0.0.1',
  TURN_PORT: String(TURN_PORT),
  TURN_LISTENING_IPS: '127.0.0.1',
  TURN_RELAY_IPS: '127.0.0.1',
  TURN_RELAY_PORT_RANGE: '49300-49399',
  // Janus's 127.0.0.1 becomes coturn's one allowed private peer through JANUS_ICE_ENFORCE_LIST (netns.sh).
};
const CLIENT = { via: '127.0.0.1', forwardedFor: '203.0.113.7' };

const CANDIDATE = {
  candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host generation 0',
  sdpMid: '0',
  sdpMLineIndex: 0,
};

/** When a page first decodes a remote frame, in ms since its navigation (polled every 100 ms). */
function firstRemoteFrame(page: Page, who: string): Promise<number> {
  return poll(`${who} to decode a remote frame`, 45_000, async () => {
    const tiles = await readRemoteFrames(page);
    return tiles.some((t) => t.frames > 0) ? page.evaluate(() => Math.round(performance.now())) : undefined;
  });
}

/** Page time (ms since navigation) of the first timeline entry matching `pattern`. */
async function timelineAt(page: Page, pattern: RegExp): Promise<number | undefined> {
  const entry = (await iceTimeline(page)).find((line) => pattern.test(line));
  return entry === undefined ? undefined : Number(entry.split(' ')[0]);
}

/**
 * Two people, one Chromium each: the first joins and publishes; once its publisher is connected, the second
 * joins that running call. Returns when each decodes the other's video, with the second's join figures:
 * navigation to first remote frame, and its first PeerConnection (made right after `joined`) to that frame.
 */
async function call(
  server: TestServer,
  room: string,
  people: { name: string; camera: FakeCamera }[],
  query: string,
): Promise<{ pages: Page[]; browsers: LaunchedBrowser[]; figures: string }> {
  const browsers = await Promise.all(people.map((p) => launchChromium({ fakeCamera: p.camera.file })));
  const pages = await Promise.all(browsers.map((b) => b.context.newPage()));
  for (const [i, page] of pages.entries()) {
    await recordPeerConnections(page);
    page.on('pageerror', (error) => console.error(`[${people[i]!.name}] page error`, error));
  }
  const url = (i: number) => `${server.url}/r/${room}?name=${people[i]!.name}&autojoin=1${query}`;
  const [first, second] = pages as [Page, Page];
  await first.goto(url(0));
  await poll(`${people[0]!.name}'s publisher to connect`, 45_000, () => timelineAt(first, / pc0 connected$/));
  await second.goto(url(1));
  const [firstSees, secondSees] = await Promise.all([
    firstRemoteFrame(first, people[0]!.name),
    firstRemoteFrame(second, people[1]!.name),
  ]);
  const joined = (await timelineAt(second, / pc0 created$/))!;
  const figures =
    `${people[1]!.name} joining: navigation -> first remote frame ${secondSees} ms, ` +
    `joined (publisher created) -> first remote frame ${secondSees - joined} ms; ` +
    `${people[0]!.name} first sees ${people[1]!.name} at ${firstSees} ms of its own page ` +
    `(load average ${loadavg()[0]!.toFixed(1)} on this machine's cores)`;
  return { pages, browsers, figures };
}

describe('ICE servers and trickle ICE with our coturn (TURN=on)', () => {
  let server: TestServer;
  const browsers: LaunchedBrowser[] = [];

  beforeAll(async () => {
    server = await startTestServer(ENV);
  });

  afterAll(async () => {
    await Promise.all(browsers.map((b) => b.close()));
    await server?.stop();
  });

  it('sends TURN servers with fresh credentials in every joined', async () => {
    const joins: Extract<ServerMessage, { type: 'joined' }>[] = [];
    for (const name of ['Ann', 'Ben']) {
      const client = await RoomsClient.open(server.wsUrl, CLIENT);
      const reply = await client.request({ type: 'join', room: 'ice-creds', name });
      expect(reply.type).toBe('joined');
      joins.push(reply as Extract<ServerMessage, { type: 'joined' }>);
      client.ws.close();
    }
    for (const joined of joins) {
      expect(joined.iceServers).toHaveLength(1);
      const [ice] = joined.iceServers;
      expect(ice!.urls).toEqual([
        `turn:127.0.0.1:${TURN_PORT}?transport=udp`,
        `turn:127.0.0.1:${TURN_PORT}?transport=tcp`,
      ]);
      const [expiry, participant] = ice!.username!.split(':');
      expect(participant).toBe(joined.participantId);
      expect(Number(expiry)).toBeGreaterThan(Date.now() / 1000);
    }
    expect(joins[0]!.iceServers[0]!.credential).not.toBe(joins[1]!.iceServers[0]!.credential);
  });

  it('refuses trickle before join, malformed candidates and a flood of early ones, and stays up', async () => {
    const client = await RoomsClient.open(server.wsUrl, CLIENT);
    const early = await client.request({ type: 'trickle', target: 'publisher', candidate: CANDIDATE });
    expect(early).toMatchObject({ type: 'error', code: 'invalid_state' });
    expect((await client.request({ type: 'join', room: 'ice-hostile', name: 'Hal' })).type).toBe('joined');
    const bad = [
      { ...CANDIDATE, candidate: `${CANDIDATE.candidate}\r\na=inject` },
      { ...CANDIDATE, candidate: 'x'.repeat(600) },
      { candidate: CANDIDATE.candidate },
      { ...CANDIDATE, usernameFragment: 'abc' },
    ];
    for (const candidate of bad) {
      const reply = await client.request({ type: 'trickle', target: 'publisher', candidate });
      expect(reply, JSON.stringify(candidate).slice(0, 80)).toMatchObject({
        type: 'error',
        code: 'bad_message',
      });
    }
    const wrongTarget = await client.request({ type: 'trickle', target: 'janus', candidate: CANDIDATE });
    expect(wrongTarget).toMatchObject({ type: 'error', code: 'bad_message' });
    // No publish yet: the server holds candidates for the publisher, up to its bound.
    const from = client.received.length;
    for (let i = 0; i < MAX_PENDING_CANDIDATES + 1; i++) {
      client.send({ type: 'trickle', id: `c${i}`, target: 'publisher', candidate: CANDIDATE });
    }
    const refused = await client.waitFor((m) => m.type === 'error', 5_000, from);
    expect(refused).toMatchObject({ code: 'bad_message', replyTo: `c${MAX_PENDING_CANDIDATES}` });
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    client.ws.close();
  });

  const people = (a: string, b: string, cams: ['red', 'blue'] | ['violet', 'red']) => [
    { name: a, camera: makeCamera(cams[0]) },
    { name: b, camera: makeCamera(cams[1]) },
  ];

  it('connects two browsers directly over trickled host candidates', async () => {
    const pair = people('Dana', 'Eli', ['red', 'blue']);
    const { pages, browsers: launched, figures } = await call(server, 'ice-direct', pair, '');
    browsers.push(...launched);
    await expectEachSeesTheOther(pages, pair);
    for (const page of pages) {
      const paths = await icePaths(page);
      console.log(`direct ICE paths: ${JSON.stringify(paths)}`);
      console.log(`direct timeline: ${(await iceTimeline(page)).join(', ')}`);
      expect(paths).toHaveLength(2);
      for (const path of paths) expect(path).toMatchObject({ policy: 'all', iceServers: 1, local: 'host' });
    }
    console.log(`time to first remote frame, direct (TURN offered, not forced): ${figures}`);
  });

  it('connects two browsers forced through TURN, with a relay candidate pair on both PeerConnections', async () => {
    const pair = people('Fay', 'Gus', ['violet', 'red']);
    const { pages, browsers: launched, figures } = await call(server, 'ice-relay', pair, '&ice=relay');
    browsers.push(...launched);
    await expectEachSeesTheOther(pages, pair);
    for (const page of pages) {
      const paths = await icePaths(page);
      console.log(`relay ICE paths: ${JSON.stringify(paths)}`);
      console.log(`relay timeline: ${(await iceTimeline(page)).join(', ')}`);
      expect(paths).toHaveLength(2);
      for (const path of paths)
        expect(path).toMatchObject({ policy: 'relay', iceServers: 1, local: 'relay' });
    }
    console.log(`time to first remote frame, relay only: ${figures}`);
  });
});

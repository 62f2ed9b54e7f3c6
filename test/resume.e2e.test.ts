// Resume and ICE restart against the real server and Janus, inside scripts/netns.sh. Signalling goes through
// raw WebSocket clients (test/support/hostile-rooms.ts); where Janus needs real media, one Chromium page holds
// plain RTCPeerConnections (a fake camera publisher, a receive-only subscriber) driven from here, so the
// server's messages are checked as the wire carries them, without the client SDK.
import type { ServerMessage } from '@backdrop/protocol';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LaunchedBrowser, launchChromium } from './support/chromium.js';
import { RoomsClient } from './support/hostile-rooms.js';
import { poll } from './support/poll.js';
import { startTestServer, type TestServer } from './support/server.js';

const WINDOW_MS = 1500;
const ORIGIN = { via: '127.0.0.1', forwardedFor: '203.0.113.9' };

type Joined = Extract<ServerMessage, { type: 'joined' }>;

function ufrag(sdp: string): string {
  const match = /a=ice-ufrag:(\S+)/.exec(sdp);
  if (!match) throw new Error(`no ice-ufrag in SDP:\n${sdp}`);
  return match[1]!;
}

async function joinAs(server: TestServer, room: string, name: string) {
  const client = await RoomsClient.open(server.wsUrl, ORIGIN);
  const joined = await client.request({ type: 'join', room, name });
  if (joined.type !== 'joined') throw new Error(`join refused: ${JSON.stringify(joined)}`);
  return { client, joined };
}

describe('resume (RESUME_WINDOW_MS=1500)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ RESUME_WINDOW_MS: String(WINDOW_MS) });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('a lost socket is resumed on a new one as the same participant; the other sees reconnecting, connected', async () => {
    const a = await joinAs(server, 'resume-1', 'Ann');
    const b = await joinAs(server, 'resume-1', 'Bob');
    const aJoined = a.joined as Joined;
    expect(aJoined.resumeWindowMs).toBe(WINDOW_MS);
    a.client.ws.terminate();
    await b.client.waitFor((m) => m.type === 'participantConnection' && m.state === 'reconnecting');

    const again = await RoomsClient.open(server.wsUrl, ORIGIN);
    const started = performance.now();
    const resumed = await again.request({ type: 'resume', token: aJoined.resumeToken });
    const roundTripMs = performance.now() - started;
    expect(resumed).toMatchObject({
      type: 'joined',
      participantId: aJoined.participantId,
      resumed: true,
      participants: [{ id: (b.joined as Joined).participantId, name: 'Bob' }],
    });
    await b.client.waitFor((m) => m.type === 'participantConnection' && m.state === 'connected');
    expect(b.client.received.filter((m) => m.type === 'participantLeft')).toEqual([]);
    console.log(`[resume] resume round trip on loopback: ${roundTripMs.toFixed(1)} ms`);

    // The token is single use: the first one no longer resumes.
    const stale = await RoomsClient.open(server.wsUrl, ORIGIN);
    expect(await stale.request({ type: 'resume', token: aJoined.resumeToken })).toMatchObject({
      type: 'error',
      code: 'resume_failed',
    });
    await Promise.all([again.close(), stale.close(), b.client.close()]);
  });

  it('a resume after the window is resume_failed, and the other saw participantLeft', async () => {
    const a = await joinAs(server, 'resume-2', 'Ann');
    const b = await joinAs(server, 'resume-2', 'Bob');
    const aJoined = a.joined as Joined;
    const lostAt = performance.now();
    a.client.ws.terminate();
    const left = await b.client.waitFor(
      (m) => m.type === 'participantLeft' && m.participantId === aJoined.participantId,
      WINDOW_MS + 5_000,
    );
    const leftAfterMs = performance.now() - lostAt;
    expect(left).toBeDefined();
    expect(leftAfterMs).toBeGreaterThanOrEqual(WINDOW_MS);
    await new Promise((r) => setTimeout(r, 2500 - (performance.now() - lostAt)));
    const late = await RoomsClient.open(server.wsUrl, ORIGIN);
    expect(await late.request({ type: 'resume', token: aJoined.resumeToken })).toMatchObject({
      type: 'error',
      code: 'resume_failed',
    });
    const kinds = b.client.received.map((m) => m.type).filter((t) => t.startsWith('participant'));
    // The one who left was the room's host (first in): the one who stays becomes host.
    expect(kinds).toEqual(['participantConnection', 'participantLeft', 'participantRole']);
    console.log(
      `[resume] window ${WINDOW_MS} ms: participantLeft ${leftAfterMs.toFixed(0)} ms after the loss`,
    );
    expect(server.logs.some((l) => /resume window ran out/.test(l))).toBe(true);
    await Promise.all([late.close(), b.client.close()]);
  });
});

/** Plain PeerConnections in the page, made and driven through page.evaluate. */
const PAGE_HELPERS = `
window.__t = {
  pub: null,
  sub: null,
  /** Resolves at the end-of-candidates event: the local description then holds every candidate. */
  gathered(pc) {
    return new Promise((resolve) => {
      const onCandidate = (e) => {
        if (e.candidate) return;
        pc.removeEventListener('icecandidate', onCandidate);
        resolve();
      };
      pc.addEventListener('icecandidate', onCandidate);
    });
  },
  async publishOffer() {
    const stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
    const pc = new RTCPeerConnection();
    this.pub = pc;
    for (const track of stream.getTracks()) pc.addTransceiver(track, { direction: 'sendonly', streams: [stream] });
    const done = this.gathered(pc);
    await pc.setLocalDescription();
    await done;
    return pc.localDescription.sdp;
  },
  async restartOffer() {
    const pc = this.pub;
    pc.restartIce();
    const done = this.gathered(pc);
    await pc.setLocalDescription();
    await done;
    return pc.localDescription.sdp;
  },
  async publisherAnswer(sdp) {
    await this.pub.setRemoteDescription({ type: 'answer', sdp });
  },
  async subscriberAnswer(sdp) {
    this.sub ??= new RTCPeerConnection();
    const pc = this.sub;
    const ufrag = () => pc.localDescription?.sdp.match(/a=ice-ufrag:(S+)/)?.[1];
    const before = ufrag();
    const done = this.gathered(pc);
    await pc.setRemoteDescription({ type: 'offer', sdp });
    await pc.setLocalDescription();
    // Only a new ICE session gathers again: a plain renegotiation keeps its candidates.
    if (ufrag() !== before) await done;
    return pc.localDescription.sdp;
  },
  async closePublisher() {
    for (const sender of this.pub.getSenders()) sender.track?.stop();
    this.pub.close();
  },
  /** ICE state and the ufrag of the ICE session in use (transport stats). */
  async iceOf(which) {
    const pc = this[which];
    if (!pc) return { state: 'none', local: undefined, framesIn: 0 };
    let local;
    for (const s of (await pc.getStats()).values())
      if (s.type === 'transport') local = s.iceLocalUsernameFragment;
    return { state: pc.iceConnectionState, local, framesIn: await this.framesIn(pc) };
  },
  async framesIn(pc) {
    let frames = 0;
    for (const s of (await pc.getStats()).values())
      if (s.type === 'inbound-rtp' && s.kind === 'video') frames += s.framesDecoded ?? 0;
    return frames;
  },
};
`;

type Which = 'pub' | 'sub';
/** The page helpers' methods, called by name: each takes at most one string. */
type PageHelpers = Record<string, (arg?: string) => Promise<unknown>>;

/** Calls one of PAGE_HELPERS in the page. */
function inPage<T>(page: Page, method: string, arg?: string): Promise<T> {
  return page.evaluate(([m, a]) => (window as unknown as { __t: PageHelpers }).__t[m]!(a), [
    method,
    arg,
  ] as const) as Promise<T>;
}

/** Waits until `which` is ICE-connected on the session with local ufrag `localUfrag`; returns the wait in ms. */
async function connectedOn(page: Page, which: Which, localUfrag: string): Promise<number> {
  const started = performance.now();
  await poll(
    `${which} ICE connected with ufrag ${localUfrag}`,
    30_000,
    async () => {
      const ice = await inPage<{ state: string; local?: string }>(page, 'iceOf', which);
      return (ice.state === 'connected' || ice.state === 'completed') && ice.local === localUfrag
        ? true
        : undefined;
    },
    20,
  );
  return performance.now() - started;
}

/** Answers every subscriberOffer `client` gets with the page's subscriber PeerConnection, until stopped. */
function answerOffers(page: Page, client: RoomsClient): { stop(): Promise<void> } {
  let stopped = false;
  const loop = (async () => {
    let seen = 0;
    while (!stopped) {
      for (; seen < client.received.length; seen++) {
        const message = client.received[seen]!;
        if (message.type !== 'subscriberOffer') continue;
        const sdp = await inPage<string>(page, 'subscriberAnswer', message.sdp);
        client.send({ type: 'subscriberAnswer', sdp });
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
    },
  };
}

/** Waits until the page's subscriber has decoded `more` frames beyond what it had at the call. */
async function framesAdvance(page: Page, what: string, more = 5): Promise<void> {
  const framesIn = async () => (await inPage<{ framesIn: number }>(page, 'iceOf', 'sub')).framesIn;
  const from = await framesIn();
  await poll(what, 20_000, async () => ((await framesIn()) > from + more ? true : undefined));
}

describe('ICE restart against Janus', () => {
  let server: TestServer;
  let browser: LaunchedBrowser;
  let page: Page;
  /** A fresh page of ours (a secure context on loopback, which getUserMedia needs) with the helpers. */
  const openPage = async () => {
    const fresh = await browser.context.newPage();
    await fresh.goto(`${server.url}/healthz`);
    await fresh.evaluate(PAGE_HELPERS);
    return fresh;
  };
  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchChromium();
    page = await openPage();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('restarts the subscriber (new ufrag from Janus) and the publisher (new ufrag both ways), connected again', async () => {
    const a = await joinAs(server, 'ice-restart', 'Ann');
    const b = await joinAs(server, 'ice-restart', 'Bob');
    const t = (method: string, arg?: string) => inPage<string>(page, method, arg);

    // Ann publishes from the page; Bob's subscriber PeerConnection (same page) receives her.
    const offer1 = await t('publishOffer');
    const answer1 = await a.client.request({ type: 'publish', sdp: offer1 });
    if (answer1.type !== 'publishAnswer') throw new Error(JSON.stringify(answer1));
    await t('publisherAnswer', answer1.sdp);
    await connectedOn(page, 'pub', ufrag(offer1));
    const subOffer1 = await b.client.waitFor((m) => m.type === 'subscriberOffer', 30_000);
    if (subOffer1.type !== 'subscriberOffer') throw new Error('unreachable');
    const subAnswer1 = await t('subscriberAnswer', subOffer1.sdp);
    b.client.send({ type: 'subscriberAnswer', sdp: subAnswer1 });
    await connectedOn(page, 'sub', ufrag(subAnswer1));

    // Subscriber restart: Janus's new offer has new credentials; the browser answers as usual.
    const offersBefore = b.client.received.length;
    const subStarted = performance.now();
    b.client.send({ type: 'restartSubscriberIce' });
    const subOffer2 = await b.client.waitFor((m) => m.type === 'subscriberOffer', 10_000, offersBefore);
    if (subOffer2.type !== 'subscriberOffer') throw new Error('unreachable');
    expect(ufrag(subOffer2.sdp)).not.toBe(ufrag(subOffer1.sdp));
    expect(subOffer2.streams).toEqual(subOffer1.streams);
    const subAnswer2 = await t('subscriberAnswer', subOffer2.sdp);
    expect(ufrag(subAnswer2)).not.toBe(ufrag(subAnswer1));
    b.client.send({ type: 'subscriberAnswer', sdp: subAnswer2 });
    await connectedOn(page, 'sub', ufrag(subAnswer2));
    const subRestartMs = performance.now() - subStarted;

    // Publisher restart: Chromium's ICE-restart offer on the same publisher handle.
    const pubStarted = performance.now();
    const offer2 = await t('restartOffer');
    expect(ufrag(offer2)).not.toBe(ufrag(offer1));
    const answer2 = await a.client.request({ type: 'restartPublisherIce', sdp: offer2 });
    if (answer2.type !== 'publishAnswer') throw new Error(JSON.stringify(answer2));
    expect(ufrag(answer2.sdp)).not.toBe(ufrag(answer1.sdp));
    await t('publisherAnswer', answer2.sdp);
    await connectedOn(page, 'pub', ufrag(offer2));
    const pubRestartMs = performance.now() - pubStarted;

    // Media still flows to Bob after both restarts.
    await framesAdvance(page, 'frames decoded after the restarts');
    console.log(
      `[ice-restart] subscriber: request -> connected on the new ufrag ${subRestartMs.toFixed(0)} ms; ` +
        `publisher: restart offer made -> connected on the new ufrag ${pubRestartMs.toFixed(0)} ms`,
    );
    await Promise.all([a.client.close(), b.client.close()]);
  });

  it('after Janus hung up the publisher, a new PeerConnection offered on the same handle publishes again', async () => {
    const hangupPage = await openPage();
    const a = await joinAs(server, 'ice-hangup', 'Ann');
    const b = await joinAs(server, 'ice-hangup', 'Bob');
    const annId = (a.joined as Joined).participantId;
    const bob = answerOffers(hangupPage, b.client);
    try {
      const offer1 = await inPage<string>(hangupPage, 'publishOffer');
      const answer1 = await a.client.request({ type: 'publish', sdp: offer1 });
      if (answer1.type !== 'publishAnswer') throw new Error(JSON.stringify(answer1));
      await inPage(hangupPage, 'publisherAnswer', answer1.sdp);
      await framesAdvance(hangupPage, 'Bob receiving Ann');

      // Ann's PeerConnection closes (DTLS close_notify): Janus hangs her publisher up.
      await inPage(hangupPage, 'closePublisher');
      await poll('Janus to hang up Ann', 15_000, async () =>
        server.logs.some((l) => l.includes(annId) && /publisher hung up/.test(l)) ? true : undefined,
      );
      const started = performance.now();
      const offer2 = await inPage<string>(hangupPage, 'publishOffer');
      const answer2 = await a.client.request({ type: 'restartPublisherIce', sdp: offer2 });
      if (answer2.type !== 'publishAnswer') throw new Error(JSON.stringify(answer2));
      await inPage(hangupPage, 'publisherAnswer', answer2.sdp);
      const connectedMs = await connectedOn(hangupPage, 'pub', ufrag(offer2));
      // webrtcup again: Bob is subscribed to her anew and her video reaches him.
      await framesAdvance(hangupPage, 'Bob receiving Ann again after her new PeerConnection');
      const upLines = server.logs.filter((l) => l.includes(annId) && /publisher connected/.test(l));
      expect(upLines).toHaveLength(2);
      console.log(
        `[ice-restart] after a Janus hangup: new PeerConnection offer -> connected ${(performance.now() - started).toFixed(0)} ms ` +
          `(${connectedMs.toFixed(0)} ms of it after the answer)`,
      );
    } finally {
      await bob.stop();
      await Promise.all([a.client.close(), b.client.close()]);
      await hangupPage.close();
    }
  });
});

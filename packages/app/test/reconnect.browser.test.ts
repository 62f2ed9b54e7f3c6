import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { type LaunchedBrowser, launchChromium } from '../../../test/support/chromium.js';
import { RECONNECTED_NOTICE_MS } from '../src/connection-view.js';
import { createSdpAnswerer, type SdpAnswerer } from './sdp-answerer.js';
import { type FakeMessage, type StaticServer, serveDist } from './static-server.js';

/**
 * The call screen through a lost signalling socket, against a scripted server that speaks the resume protocol
 * (packages/protocol): the page's own bar, a peer's tile, the controls, and when the end screen appears.
 * Publishes and ICE restarts get real SDP answers from sdp-answerer.ts (no Janus).
 */

type Message = FakeMessage & { sdp?: string; token?: string };
const BOB = { id: 'p_bob', name: 'Bob' };
const RESUME_WINDOW_MS = 2000;

/** A 43-character base64url token, different each time. */
const token = (n: number) => `t${String(n).padStart(42, '0')}`;

/** The scripted server: joins, resumes (held or refused on demand), SDP answers from `answer`, pings. */
class ResumeServer {
  sockets: WebSocket[] = [];
  received: Message[] = [];
  /** Resumes wait here while set, so the test can look at the page mid-reconnection. */
  holdResume: Promise<void> | undefined;
  refuseResume = false;
  refuseConnections = false;
  private tokens = 0;
  private issued = '';

  constructor(private readonly answer: (offer: string, restart: boolean) => Promise<string>) {}

  get socket(): WebSocket | undefined {
    return this.sockets.at(-1);
  }

  /** Drops the current socket without a close frame: the browser sees 1006, as on a network loss. */
  cut(): void {
    this.socket?.terminate();
  }

  send(message: object): void {
    this.socket?.send(JSON.stringify(message));
  }

  accept(socket: WebSocket, onMessage: (handle: (m: FakeMessage) => void) => void): void {
    if (this.refuseConnections) {
      socket.terminate();
      return;
    }
    this.sockets.push(socket);
    socket.send(JSON.stringify({ type: 'welcome', protocol: 1 }));
    onMessage((raw) => void this.handle(socket, raw as Message));
  }

  private joined(replyTo: unknown, resumed: boolean) {
    this.issued = token(++this.tokens);
    return {
      type: 'joined',
      replyTo,
      room: 'reconnect-ui',
      participantId: 'p_ann',
      participants: [BOB],
      iceServers: [],
      resumeToken: this.issued,
      resumeWindowMs: RESUME_WINDOW_MS,
      resumed,
    };
  }

  private async handle(socket: WebSocket, m: Message): Promise<void> {
    this.received.push(m);
    const reply = (message: object) => socket.send(JSON.stringify(message));
    switch (m.type) {
      case 'join':
        reply(this.joined(m.id, false));
        break;
      case 'resume':
        await this.holdResume;
        if (this.refuseResume || m.token !== this.issued)
          reply({ type: 'error', replyTo: m.id, code: 'resume_failed', message: 'too late' });
        else reply(this.joined(m.id, true));
        break;
      case 'publish':
      case 'restartPublisherIce':
        reply({
          type: 'publishAnswer',
          replyTo: m.id,
          sdp: await this.answer(m.sdp!, m.type === 'restartPublisherIce'),
        });
        break;
      case 'ping':
        reply({ type: 'pong', replyTo: m.id });
        break;
      case 'leave':
        reply({ type: 'left', replyTo: m.id });
        break;
      default:
        break;
    }
  }
}

describe('the call screen through a lost connection', () => {
  let browser: LaunchedBrowser;
  let answerer: SdpAnswerer;
  let server: StaticServer | undefined;
  let fake: ResumeServer;
  const pageErrors: Error[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    answerer = await createSdpAnswerer(browser.context);
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });
  afterAll(async () => {
    await answerer?.close();
    await browser?.close();
  });

  const answer = (offer: string, restart: boolean) => answerer.answer(offer, restart);

  async function inCall(): Promise<Page> {
    fake = new ResumeServer(answer);
    server = await serveDist((socket, onMessage) => fake.accept(socket, onMessage));
    const page = await browser.context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error));
    await page.goto(`${server.url}/r/reconnect-ui?name=Ann&autojoin=1`);
    await page.waitForFunction(() => document.body.dataset.state === 'in-call', undefined, {
      timeout: 60_000,
    });
    await page.waitForSelector('figure.tile[data-participant-id="p_bob"]');
    return page;
  }

  /** Records, in the page, every state the call root, the bar and Bob's tile go through, and the tile count. */
  const record = (page: Page) =>
    page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { seen: string[] }).seen = seen;
      const call = document.querySelector<HTMLElement>('.call')!;
      const note = () => {
        const bar = call.querySelector<HTMLElement>('.connection-bar')!;
        const bob = call.querySelector<HTMLElement>('figure.tile[data-participant-id="p_bob"]');
        const line = `root=${call.dataset.connection} bar=${bar.hidden ? 'hidden' : bar.textContent} bob=${bob?.dataset.connection ?? 'gone'} tiles=${call.querySelectorAll('figure.tile').length} state=${document.body.dataset.state}`;
        if (seen.at(-1) !== line) seen.push(line);
      };
      note();
      new MutationObserver(note).observe(document.body, { subtree: true, attributes: true, childList: true });
    });
  const seen = (page: Page) => page.evaluate(() => (window as unknown as { seen: string[] }).seen);

  it('a peer reconnecting dims their tile under a label, and it comes back as it was', async () => {
    const page = await inCall();
    const tile = 'figure.tile[data-participant-id="p_bob"]';
    fake.send({ type: 'participantConnection', participantId: BOB.id, state: 'reconnecting' });
    await page.waitForSelector(`${tile}[data-connection="reconnecting"].reconnecting`);
    expect(await page.textContent(`${tile} .tile-connection`)).toBe('Reconnecting…');
    expect(await page.getAttribute(tile, 'aria-label')).toBe('Bob (Reconnecting…)');
    fake.send({ type: 'participantConnection', participantId: BOB.id, state: 'connected' });
    await page.waitForSelector(`${tile}[data-connection="connected"]:not(.reconnecting)`);
    expect(await page.isVisible(`${tile} .tile-connection`)).toBe(false);
    await page.close();
  });

  it('every tile carries the script contract; only built controls are shown', async () => {
    const page = await inCall();
    expect(await page.getAttribute('.call', 'data-page-state')).toBe('in-call');
    const tiles = () =>
      page.$$eval('[data-tile]', (els) =>
        els.map((el) => {
          const d = (el as HTMLElement).dataset;
          const video = el.querySelector('video');
          return {
            name: d.participantName,
            source: d.source,
            muted: d.muted,
            cameraOff: d.cameraOff,
            speaking: d.speaking,
            hand: d.hand,
            video: video ? (video.dataset.participantName ?? `local:${video.dataset.local}`) : 'none',
          };
        }),
      );
    const defaults = {
      source: 'camera',
      muted: 'false',
      cameraOff: 'false',
      speaking: 'false',
      hand: 'false',
    };
    expect(await tiles()).toEqual([
      { name: 'Ann', ...defaults, video: 'local:true' },
      { name: 'Bob', ...defaults, video: 'Bob' },
    ]);
    expect(
      await page.$$eval('[data-control]', (els) => els.map((el) => el.getAttribute('data-control'))),
    ).toEqual([
      'pin', // on Bob's tile
      'mic',
      'camera',
      'hand',
      'participants',
      'chat',
      'react',
      'background',
      'settings',
      'share',
      'layout',
      'stats',
      'leave',
    ]); // no lock: not a host
    await page.click('[data-control="mic"]');
    await page.click('[data-control="camera"]');
    await page.waitForSelector(
      '[data-tile][data-participant-name="Ann"][data-muted="true"][data-camera-off="true"]',
    );
    fake.send({ type: 'participantLeft', participantId: BOB.id });
    await page.waitForSelector('[data-tile][data-participant-name="Bob"]', { state: 'detached' });
    expect(await page.$$('[data-tile]')).toHaveLength(1);
    await page.close();
  });

  it('the layout control cycles auto, grid and speaker view; a pinned tile is marked and stays on the stage', async () => {
    const page = await inCall();
    const layout = () => page.getAttribute('main[data-layout]', 'data-layout');
    expect(await layout()).toBe('grid'); // auto, two people
    await page.click('[data-control="layout"]');
    expect(await page.textContent('[data-control="layout"]')).toContain('Grid');
    expect(await layout()).toBe('grid');
    await page.click('[data-control="layout"]');
    await page.waitForSelector('main[data-layout="speaker"] .stage [data-participant-name="Bob"]');
    // Ann's own tile goes to the strip, smaller than Bob's on the stage.
    const sizes = await page.evaluate(() => {
      const h = (sel: string) => document.querySelector(sel)!.getBoundingClientRect().height;
      return { stage: h('.stage [data-tile]'), strip: h('.strip [data-tile]') };
    });
    expect(sizes.stage).toBeGreaterThan(2 * sizes.strip);
    await page.click('[data-tile][data-participant-name="Bob"] [data-control="pin"]', { force: true });
    await page.waitForSelector('.stage [data-tile][data-participant-name="Bob"][data-pinned="true"]');
    await page.click('[data-control="layout"]');
    expect(await layout()).toBe('grid');
    expect(await page.getAttribute('[data-tile][data-participant-name="Bob"]', 'data-pinned')).toBe('true');
  });

  it('a lost socket shows "Reconnecting…", keeps the controls and mute, then "Reconnected", same call', async () => {
    const page = await inCall();
    await page.click('[data-control="mic"]');
    expect(await page.textContent('[data-control="mic"]')).toBe('Unmute');
    await record(page);
    let release!: () => void;
    fake.holdResume = new Promise((resolve) => (release = resolve));
    const cutAt = Date.now();
    fake.cut();
    const bar = await page.waitForSelector('.call[data-connection="reconnecting"] > .connection-bar', {
      timeout: 30_000,
    });
    expect(await bar.getAttribute('role')).toBe('status');
    expect(await bar.getAttribute('aria-live')).toBe('polite');
    expect(await bar.textContent()).toBe('Reconnecting…');
    // The controls stay usable while reconnecting, and what they set is kept.
    await page.click('[data-control="camera"]');
    expect(await page.textContent('[data-control="camera"]')).toBe('Start video');
    release();
    await page.waitForSelector('.call[data-connection="connected"] > .connection-bar:text("Reconnected")');
    const backAt = Date.now();
    await page.waitForSelector('.connection-bar', { state: 'hidden', timeout: RECONNECTED_NOTICE_MS + 5000 });
    const resumes = fake.received.filter((m) => m.type === 'resume');
    expect(resumes).toHaveLength(1);
    expect(fake.received.filter((m) => m.type === 'join')).toHaveLength(1);
    expect(await page.textContent('[data-control="mic"]')).toBe('Unmute');
    expect(await page.textContent('[data-control="camera"]')).toBe('Start video');
    expect(await page.$eval('figure.tile.local', (el) => el.classList.contains('audio-muted'))).toBe(true);
    const states = await seen(page);
    console.log(
      `cut -> Reconnected notice ${backAt - cutAt} ms (resume held); states:\n  ${states.join('\n  ')}`,
    );
    expect(states.every((s) => s.includes('state=in-call') && s.includes('tiles=2'))).toBe(true);
    expect(states.some((s) => s.startsWith('root=reconnecting bar=Reconnecting…'))).toBe(true);
    await page.close();
  });

  it('a refused resume falls back to a fresh join: same call screen, republished, mute kept', async () => {
    const page = await inCall();
    await page.click('[data-control="mic"]');
    await record(page);
    const publishes = () => fake.received.filter((m) => m.type === 'publish').length;
    expect(publishes()).toBe(1);
    fake.refuseResume = true;
    fake.cut();
    await page.waitForSelector('.call[data-connection="connected"] > .connection-bar:text("Reconnected")', {
      timeout: 30_000,
    });
    expect(fake.received.filter((m) => m.type === 'join')).toHaveLength(2);
    await expect.poll(publishes, { timeout: 10_000 }).toBe(2);
    expect(await page.textContent('[data-control="mic"]')).toBe('Unmute');
    const states = await seen(page);
    expect(states.every((s) => s.includes('state=in-call'))).toBe(true);
    expect(states.some((s) => s.startsWith('root=reconnecting'))).toBe(true);
    await page.close();
  });

  it('the end screen appears only once the Room gives up, with a Rejoin button', async () => {
    const page = await inCall();
    await record(page);
    fake.refuseConnections = true;
    fake.cut();
    await page.waitForSelector('.call[data-connection="reconnecting"]', { timeout: 30_000 });
    await page.waitForFunction(() => document.body.dataset.state === 'error', undefined, {
      timeout: 120_000,
    });
    expect(await page.textContent('h1')).toBe('Disconnected');
    expect(await page.textContent('.ended [role=alert]')).toMatch(/could not be restored|did not come back/);
    expect(await page.isVisible('text=Rejoin')).toBe(true);
    const states = await seen(page);
    // Reconnecting first: never the end screen straight from a connected call.
    const firstError = states.findIndex((s) => s.includes('state=error'));
    expect(states.slice(0, firstError).some((s) => s.startsWith('root=reconnecting'))).toBe(true);
    await page.close();
  });

  it('threw no page errors', () => {
    expect(pageErrors).toEqual([]);
  });
});

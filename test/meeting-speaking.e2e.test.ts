import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LaunchedBrowser, launchChromium } from './support/chromium.js';
import { MeetingObserver } from './support/meeting-observer.js';
import { poll } from './support/poll.js';
import { startTestServer, type TestServer } from './support/server.js';

const ROOM = 'e2e-speaking';

/**
 * Who is speaking, from Janus's audio-level events, through the real server: Chromium's fake microphone (a beep
 * every half second) makes its sender speaking; a participant whose mic is off never is. A Node participant
 * with no media watches what the server tells the room.
 */
describe('active speaker through the real server and Janus', () => {
  let server: TestServer;
  const browsers: LaunchedBrowser[] = [];
  let observer: MeetingObserver;

  const open = async (name: string): Promise<Page> => {
    const browser = await launchChromium();
    browsers.push(browser);
    const page = await browser.context.newPage();
    page.on('pageerror', (error) => console.error(`[${name}] page error`, error));
    await page.goto(`${server.url}/r/${ROOM}?name=${name}&autojoin=1`);
    return page;
  };

  const idOf = async (name: string) =>
    poll(`${name} in the room`, 60_000, async () => {
      const listed = [...observer.of('participantJoined').map((m) => m.participant)];
      return listed.find((p) => p.name === name)?.id;
    });

  beforeAll(async () => {
    server = await startTestServer();
    observer = await MeetingObserver.join(server.wsUrl, ROOM, 'Observer');
  });

  afterAll(async () => {
    observer?.close();
    await Promise.all(browsers.map((b) => b.close()));
    await server?.stop();
  });

  it('marks the participant sending sound speaking, and the muted one never', async () => {
    const quiet = await open('Quiet');
    const micButton = quiet.locator('[data-control="mic"]');
    await micButton.waitFor({ timeout: 60_000 });
    await micButton.click();
    await open('Talker');
    const [talkerId, quietId] = [await idOf('Talker'), await idOf('Quiet')];
    const start = performance.now();
    // Generous: the talker's browser must load, join, publish and reach Janus on a loaded machine.
    await observer.next(
      'participantState',
      90_000,
      (m) => m.state.participantId === talkerId && m.state.speaking,
    );
    console.log(`talker marked speaking ${Math.round(performance.now() - start)} ms after it joined`);
    // Quiet's mute reached the server (its state says so)...
    await observer.next(
      'participantState',
      30_000,
      (m) => m.state.participantId === quietId && m.state.micMuted,
    );
    const mutedAt = observer.received.find(
      (r) =>
        r.message.type === 'participantState' &&
        r.message.state.participantId === quietId &&
        r.message.state.micMuted,
    )!.at;
    // ...and from then on, watched a while longer, it is never marked speaking.
    await new Promise((r) => setTimeout(r, 5000));
    const verdicts = server.logs.filter((l) => l.includes('audio level verdict'));
    console.log(`Janus audio-level verdicts: ${verdicts.length}; first few:`);
    for (const line of verdicts.slice(0, 6)) console.log(line);
    console.log(
      'talker speaking changes',
      JSON.stringify(observer.speakingLog(talkerId).map((s) => s.speaking)),
    );
    const quietAfterMute = observer.speakingLog(quietId).filter((s) => s.at >= mutedAt);
    expect(quietAfterMute.length).toBeGreaterThan(0);
    expect(quietAfterMute.every((s) => !s.speaking)).toBe(true);
  });
});

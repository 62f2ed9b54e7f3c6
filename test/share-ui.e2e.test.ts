// Screen share through the app's UI: Alice presses Share; Bob's call switches to the presenter layout with
// Alice's share on the stage (decoding, told apart from her camera), and back to the grid when she stops.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCamera } from './support/cameras.js';
import { type LaunchedBrowser, launchChromium } from './support/chromium.js';
import { poll } from './support/poll.js';
import { startTestServer, type TestServer } from './support/server.js';

interface Layout {
  presenter: boolean;
  /** The tile on the stage: its source and participant, and frames its video decoded. */
  stage: { source: string; name: string; frames: number; width: number } | null;
  screenTiles: number;
}

function readLayout(page: Page): Promise<Layout> {
  return page.evaluate(() => {
    const tile = document.querySelector<HTMLElement>('[data-layout="presenter"] .stage [data-tile]');
    const video = tile?.querySelector('video');
    return {
      presenter: document.querySelector('[data-layout="presenter"]') !== null,
      stage: tile
        ? {
            source: tile.dataset.source ?? '',
            name: tile.dataset.participantName ?? '',
            frames: video?.getVideoPlaybackQuality().totalVideoFrames ?? 0,
            width: video?.videoWidth ?? 0,
          }
        : null,
      screenTiles: document.querySelectorAll('[data-tile][data-source="screen"]').length,
    };
  });
}

describe('screen share in the app', () => {
  let server: TestServer;
  const browsers: LaunchedBrowser[] = [];
  const pages = new Map<string, Page>();

  beforeAll(async () => {
    server = await startTestServer();
    for (const [name, colour] of [
      ['Alice', 'red'],
      ['Bob', 'blue'],
    ] as const) {
      const browser = await launchChromium({ fakeCamera: makeCamera(colour).file });
      browsers.push(browser);
      const page = await browser.context.newPage();
      page.on('pageerror', (error) => console.error(`[${name}] page error`, error));
      await page.goto(`${server.url}/r/e2e-share?name=${name}&autojoin=1`);
      pages.set(name, page);
    }
  });

  afterAll(async () => {
    await Promise.all(browsers.map((b) => b.close()));
    await server?.stop();
  });

  it('a share goes on the stage of the presenter layout at the others, and the grid comes back when it stops', async () => {
    const alice = pages.get('Alice')!;
    const bob = pages.get('Bob')!;
    await poll('Bob to see Alice', 60_000, async () =>
      (await bob.locator('video[data-participant-name="Alice"]').count()) > 0 ? true : undefined,
    );
    expect((await readLayout(bob)).presenter).toBe(false);
    const pressed = Date.now();
    await alice.click('[data-control="share"]');
    const shown = await poll('Bob to show Alice’s share on the stage, decoding', 60_000, async () => {
      const layout = await readLayout(bob);
      return layout.stage && layout.stage.frames > 0 && layout.stage.width > 0 ? layout : undefined;
    });
    console.log(
      `share pressed -> decoding on Bob's stage in ${Date.now() - pressed} ms (${shown.stage?.width} px wide)`,
    );
    expect(shown.stage).toMatchObject({ source: 'screen', name: 'Alice' });
    expect(shown.screenTiles).toBe(1);
    // The sharer's own page shows the others in the grid or the layout, never a broken state.
    expect(await alice.locator('[data-control="share"]').textContent()).toContain('Stop');

    await alice.click('[data-control="share"]');
    const back = await poll('Bob back to the grid', 30_000, async () => {
      const layout = await readLayout(bob);
      return !layout.presenter && layout.screenTiles === 0 ? layout : undefined;
    });
    expect(back.presenter).toBe(false);
    expect(await bob.locator('video[data-participant-name="Alice"]').count()).toBeGreaterThan(0);
  });
});

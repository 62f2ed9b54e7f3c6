// Join-time benchmark: how long from page load until the first remote video frame is on screen, over repeated
// joins into a room where one participant is already publishing. Real server, real Janus, headless Chromium,
// all inside an isolated network namespace (run through `npm run bench:join`).
import { cpus } from 'node:os';
import { makeCamera } from '../../../../test/support/cameras.js';
import { CHROMIUM_ARGS, launchChromium } from '../../../../test/support/chromium.js';
import { startTestServer } from '../../../../test/support/server.js';

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

const joins = Number(process.argv[2] ?? 7);
const server = await startTestServer({ LOG_LEVEL: 'info' });
const host = await launchChromium({ fakeCamera: makeCamera('red').file });
const guest = await launchChromium({ fakeCamera: makeCamera('blue').file });
try {
  const hostPage = await host.context.newPage();
  await hostPage.goto(`${server.url}/r/join-bench?name=Host&autojoin=1`);
  await hostPage.waitForFunction(() => document.body.dataset.state === 'in-call', undefined, {
    timeout: 30_000,
  });
  const samples: number[] = [];
  for (let i = 0; i < joins; i++) {
    const page = await guest.context.newPage();
    await page.goto(`${server.url}/r/join-bench?name=Guest${i}&autojoin=1`);
    const handle = await page.waitForFunction(
      () =>
        (window as unknown as { backdropMetrics?: { firstRemoteFrameMs: number | null } }).backdropMetrics
          ?.firstRemoteFrameMs ?? null,
      undefined,
      { timeout: 30_000, polling: 50 },
    );
    samples.push(Number(await handle.jsonValue()));
    await page.close();
    await new Promise((r) => setTimeout(r, 500));
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const version = host.context.browser()?.version() ?? 'unknown';
  console.log(`join time: page load (navigation start) -> first remote video frame rendered`);
  console.log(
    `conditions: ${joins} joins into a room with 1 publisher (640x480 15 fps fake camera), headless Chromium ${version}, ${cpus().length} cores (${cpus()[0]?.model}), loopback-only network namespace, flags ${CHROMIUM_ARGS.length} (see test/support/chromium.ts)`,
  );
  console.log(`samples ms: ${samples.map((s) => s.toFixed(0)).join(', ')}`);
  console.log(
    `p50 ${percentile(sorted, 50).toFixed(0)} ms, p95 ${percentile(sorted, 95).toFixed(0)} ms, min ${sorted[0]!.toFixed(0)} ms, max ${sorted.at(-1)!.toFixed(0)} ms`,
  );
} finally {
  await Promise.all([host.close(), guest.close()]);
  await server.stop();
}

// Network-change benchmark (`npm run bench:netchange [-- --changes N] [--joins N] [--json <file>]`): on the
// NAT topology of test/support/nat-plan.ts (server, Janus and coturn on a "public" address, Alice and Bob each
// behind a masquerading router, UDP to the server only on the TURN port), measures
//   - join time over TURN relay: page load -> first remote frame, for N fresh joins into Alice's room;
//   - network change -> video advancing again at the other browser, for N public-address changes, alternating
//     Alice's and Bob's router.
// Prints text and, with --json, writes the samples and the machine's conditions. A benchmark: it never fails on
// a slow number, it reports it (a change that never recovers is reported as NOT BACK).
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg, release } from 'node:os';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { CHROMIUM_PATH } from '../../../../test/support/chromium.js';
import { icePaths, recordPeerConnections } from '../../../../test/support/ice-call.js';
import { type NatCall, startNatCall } from '../../../../test/support/nat-call.js';
import type { Router } from '../../../../test/support/nat-plan.js';
import { sampleTile, signalLog, tileSamples } from '../../../../test/support/page-probes.js';
import { poll } from '../../../../test/support/poll.js';
import { type Recovery, videoRecovery } from './recovery.js';
import { type ChangeSample, formatReport, type JoinSample, type NetChangeReport } from './report.js';

const STALL_MS = 500;
const CONFIRM_FRAMES = 10;
/** How long a change may take to recover before it is reported as NOT BACK. */
const RECOVERY_DEADLINE_MS = 30_000;
/** Quiet time between changes, so one change's recovery never overlaps the next. */
const SETTLE_MS = 2_000;

const { values: args } = parseArgs({
  options: {
    changes: { type: 'string', default: '5' },
    joins: { type: 'string', default: '5' },
    json: { type: 'string' },
  },
});
const changes = Number(args.changes);
const joins = Number(args.joins);
if (!Number.isInteger(changes) || changes < 1 || !Number.isInteger(joins) || joins < 1) {
  console.error('usage: netchange [--changes N>=1] [--joins N>=1] [--json <file>]');
  process.exit(2);
}

function chromiumVersion(): string {
  try {
    const text = execFileSync(CHROMIUM_PATH, ['--version'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return /(\d+\.\d+\.\d+\.\d+)/.exec(text)?.[1] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

const firstRemoteFrameMs = (page: Page) =>
  page.evaluate(
    () =>
      (window as unknown as { backdropMetrics?: { firstRemoteFrameMs: number | null } }).backdropMetrics
        ?.firstRemoteFrameMs ?? undefined,
  );

/** The sampled tile on `page` advanced by 5+ frames in the last second (sampleTile must be running). */
async function advancing(page: Page, what: string): Promise<void> {
  await poll(what, RECOVERY_DEADLINE_MS, async () => {
    const s = await tileSamples(page, Date.now() - 1000);
    return s.length > 5 && s.at(-1)!.frames >= s[0]!.frames + 5 ? true : undefined;
  });
}

/** Fresh joins into the room from Bob's browser (a new page and name each): page load -> first remote frame. */
async function measureJoins(call: NatCall, room: string): Promise<JoinSample[]> {
  const samples: JoinSample[] = [];
  const context = call.browsers[1]!.context;
  for (let i = 0; i < joins; i++) {
    const page = await context.newPage();
    try {
      await recordPeerConnections(page);
      await page.goto(call.url(room, { ...call.people[1]!, name: `Guest${i + 1}` }));
      const ms = await poll(`Guest${i + 1}'s first remote frame`, 60_000, () => firstRemoteFrameMs(page));
      // The pair is chosen by then; read it before the page goes.
      const paths = await poll('selected candidate pairs', 10_000, async () => {
        const p = await icePaths(page);
        return p.length >= 2 && p.every((x) => x.local !== undefined) ? p : undefined;
      });
      samples.push({ ms, localCandidates: paths.map((p) => p.local) });
      console.log(
        `join ${i + 1}: ${ms.toFixed(0)} ms, local candidates ${paths.map((p) => p.local).join(', ')}`,
      );
    } finally {
      await page.close();
    }
  }
  return samples;
}

/**
 * How long after `changedAt` the tile sampled on `page` advanced again for good (null: not within the deadline),
 * and when its frames stopped. Reads the samples only up to the moment it is back, so a later stall (the next
 * trouble) never rewrites this change's figures.
 */
async function backAfter(
  page: Page,
  changedAt: number,
): Promise<{ ms: number | null; stalledFromMs: number | null; state: Recovery['state'] }> {
  const options = { changedAt, stallMs: STALL_MS, confirmFrames: CONFIRM_FRAMES };
  let last = videoRecovery([], options);
  const back = await poll('video back', RECOVERY_DEADLINE_MS, async () => {
    last = videoRecovery(await tileSamples(page, changedAt - 1000), options);
    return last.state === 'back' ? last : undefined;
  }).catch(() => undefined);
  if (back) return { ms: back.msAfterChange, stalledFromMs: back.stalledFrom - changedAt, state: back.state };
  return {
    ms: null,
    stalledFromMs: last.state === 'stalled' ? last.stalledFrom - changedAt : null,
    state: last.state,
  };
}

async function measureChange(call: NatCall, index: number): Promise<ChangeSample> {
  const router: Router = index % 2 === 0 ? 'nat1' : 'nat2';
  const [alice, bob] = call.pages as [Page, Page];
  // The observer watches the moved client's tile; the moved client watches the observer's.
  const [observer, observerName, moved] = router === 'nat1' ? [bob, 'Bob', alice] : [alice, 'Alice', bob];
  await advancing(alice, 'Alice to see Bob advancing before the change');
  await advancing(bob, 'Bob to see Alice advancing before the change');
  await new Promise((r) => setTimeout(r, SETTLE_MS));
  const changedAt = Date.now();
  const { address } = await call.topology.changePublicAddress(router);
  const [seen, sees] = await Promise.all([backAfter(observer, changedAt), backAfter(moved, changedAt)]);
  const samples = await tileSamples(observer, changedAt);
  const leaves = (await signalLog(observer)).filter((e) => e.type === 'participantLeft' && e.at >= changedAt);
  const sample: ChangeSample = {
    router,
    newAddress: address,
    observer: observerName,
    ms: seen.ms,
    seenState: seen.state,
    stalledFromMs: seen.stalledFromMs,
    movedSeesMs: sees.ms,
    leavesAnnounced: leaves.length,
    tileMissingSamples: samples.filter((s) => !s.present).length,
  };
  const text = (ms: number | null) => (ms === null ? 'NOT BACK' : `${ms} ms`);
  console.log(
    `change ${index + 1}: ${router} -> ${address}: ${text(seen.ms)} at ${observerName}, the moved client sees the other back ${text(sees.ms)}`,
  );
  return sample;
}

const startedAt = new Date().toISOString();
const load = loadavg()[0]!;
const call = await startNatCall({
  people: [
    { name: 'Alice', camera: 'red', client: 'c1' },
    { name: 'Bob', camera: 'blue', client: 'c2' },
  ],
});
const report: NetChangeReport = { joins: [], changes: [], conditions: {} };
let stoppedEarly: string | undefined;
try {
  const [alice, bob] = call.pages as [Page, Page];
  await alice.goto(call.url('netchange-joins', call.people[0]!));
  await poll("Alice's call", 60_000, async () =>
    (await alice.evaluate(() => document.body.dataset.state)) === 'in-call' ? true : undefined,
  ).catch(async (error: unknown) => {
    const state = await alice.evaluate(() => document.body.dataset.state).catch(() => 'unknown');
    console.log(`Alice's page is in state ${state}; signalling ${JSON.stringify(await signalLog(alice))}`);
    throw error;
  });
  report.joins = await measureJoins(call, 'netchange-joins');
  // The change phase in a room of its own, so no joiner of the first phase lingers in it.
  await alice.goto(call.url('netchange', call.people[0]!));
  await bob.goto(call.url('netchange', call.people[1]!));
  await sampleTile(bob, 'Alice');
  await sampleTile(alice, 'Bob');
  for (let i = 0; i < changes; i++) {
    try {
      report.changes.push(await measureChange(call, i));
    } catch (error) {
      stoppedEarly = `change ${i + 1} could not start: ${(error as Error).message}`;
      console.log(`${stoppedEarly}; stopping`);
      break;
    }
  }
} catch (error) {
  // Could not run at all (topology, server, browsers, the first call): a failure of the run, not a figure.
  stoppedEarly = `benchmark cut short: ${(error as Error).message}`;
  console.log(stoppedEarly);
  process.exitCode = 1;
} finally {
  report.conditions = {
    started: startedAt,
    machine: `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), Linux ${release()}, Node ${process.version}`,
    chromium: `Debian Chromium ${chromiumVersion()}, headless, fake 640x480 15 fps y4m camera`,
    'load average (1 min) before / after': `${load.toFixed(1)} / ${loadavg()[0]!.toFixed(1)}`,
    topology:
      'srv 198.51.100.1 (server, Janus, coturn, HTTPS); nat1/nat2 MASQUERADE routers, FORWARD drops UDP to srv but the TURN port; clients c1/c2',
    'network change':
      'ip addr del + add of the router public address (new address each time), default route restored',
    'video back': `first frame after a >= ${STALL_MS} ms stall, confirmed by ${CONFIRM_FRAMES} more frames; deadline ${RECOVERY_DEADLINE_MS} ms`,
    P2P: 'off (SFU path)',
    ...(stoppedEarly ? { 'stopped early': stoppedEarly } : {}),
  };
  await call.close();
}
console.log(`\n${formatReport(report)}`);
if (args.json) {
  await mkdir(dirname(args.json), { recursive: true });
  await writeFile(args.json, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nwrote ${args.json}`);
}

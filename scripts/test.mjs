#!/usr/bin/env node
// `npm test`: installs what is missing (Janus, Chromium, ffmpeg, Firefox + Xvfb, npm dependencies), builds,
// type-checks, lints, then runs every vitest project inside a fresh network namespace that has only loopback
// (see ../shared/NOTES-webrtc-testing.md): no test can reach or depend on any other network.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build, ensureDebianPackages, ensureNodeModules, fail, ROOT } from './ensure.mjs';

ensureDebianPackages(
  [
    'janus',
    'coturn',
    'openssl',
    'chromium',
    'ffmpeg',
    'firefox-esr',
    'xvfb',
    'iproute2',
    'util-linux',
    'procps',
    'iptables',
    'curl',
    'redis-server',
    'haproxy',
  ],
  'tests: SFU, TURN, browsers, fake cameras, the NAT topology (iptables masquerade, curl probes), cluster mode (Redis, haproxy)',
);
ensureNodeModules();
build();

const bin = (name) => join(ROOT, 'node_modules/.bin', name);
function step(name, cmd, args) {
  const started = Date.now();
  console.log(`\n[test] ${name}`);
  const result = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit' });
  console.log(
    `[test] ${name}: ${result.status === 0 ? 'ok' : 'FAILED'} (${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
  return result.status === 0;
}

if (!step('typecheck', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit'])) fail('type errors (see above)');
if (!step('lint', bin('biome'), ['check', '.']))
  fail('lint errors (see above); `npm run format` fixes formatting');

if (process.getuid?.() !== 0)
  fail('the tests run in their own network namespace (unshare -n), which needs root.');
const resultsDir = join(ROOT, 'test-results');
mkdirSync(resultsDir, { recursive: true });
const resultsFile = join(resultsDir, 'vitest.json');
const vitestArgs = [
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${resultsFile}`,
  ...process.argv.slice(2),
];
const ok = step(
  'vitest (unit, browser, e2e) in an isolated network namespace',
  join(ROOT, 'scripts/netns.sh'),
  [bin('vitest'), ...vitestArgs],
);

try {
  const summary = JSON.parse(readFileSync(resultsFile, 'utf8'));
  console.log(
    `\n${summary.numPassedTests} passed, ${summary.numFailedTests} failed, ${summary.numPendingTests} skipped`,
  );
} catch {
  console.log('\n0 passed, 1 failed');
}
process.exit(ok ? 0 : 1);

// Installs what Backdrop needs and is missing: Debian packages (as root, via apt-get) and npm dependencies.
// Uses only Node built-ins, so it runs before `npm ci`. Every step is skipped when already done, so once
// installed, `npm start` and `npm test` work with no network at all.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

export function fail(message) {
  process.stderr.write(`\nbackdrop: ${message}\n`);
  process.exit(1);
}

function isInstalled(pkg) {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a dpkg-query format, not a template
  const result = spawnSync('dpkg-query', ['-W', '-f=${db:Status-Status}', pkg], { encoding: 'utf8' });
  return result.status === 0 && result.stdout.trim() === 'installed';
}

function hasCommand(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** Installs the Debian packages that are missing; explains clearly why it cannot when it cannot. */
export function ensureDebianPackages(packages, purpose) {
  if (!hasCommand('dpkg-query'))
    fail(`this is not a Debian-like system; install ${packages.join(', ')} yourself (${purpose}).`);
  const missing = packages.filter((p) => !isInstalled(p));
  if (missing.length === 0) return;
  if (!hasCommand('apt-get'))
    fail(`apt-get is not available; install ${missing.join(', ')} yourself (${purpose}).`);
  if (process.getuid?.() !== 0) {
    fail(
      `${missing.join(', ')} must be installed (${purpose}), which needs root. Run as root, or: sudo apt-get install -y ${missing.join(' ')}`,
    );
  }
  console.log(`[setup] installing Debian packages: ${missing.join(' ')} (${purpose})`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update'], { stdio: 'inherit', env });
  if (update.status !== 0) fail('apt-get update failed: is the Debian mirror reachable?');
  const install = spawnSync('apt-get', ['install', '-y', ...missing], { stdio: 'inherit', env });
  if (install.status !== 0) fail(`apt-get install ${missing.join(' ')} failed (see above).`);
}

/** Runs `npm ci` when node_modules is missing or older than package-lock.json. */
export function ensureNodeModules() {
  const marker = join(ROOT, 'node_modules', '.package-lock.json');
  const lock = join(ROOT, 'package-lock.json');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  console.log('[setup] installing npm dependencies (npm ci)');
  const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) fail('npm ci failed: is the npm registry reachable?');
}

/** Builds the server bundle and the web app (esbuild; about a second). */
export function build() {
  const result = spawnSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (result.status !== 0) fail('the build failed (see above).');
}

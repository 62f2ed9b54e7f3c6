#!/usr/bin/env node
// `npm start`: installs what is missing (Janus, coturn with TURN=on, npm dependencies), builds, and runs the server.
// Settings come from the environment and flags: `npm start -- --port 9000`, see README.md.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { build, ensureDebianPackages, ensureNodeModules, ROOT } from './ensure.mjs';

ensureDebianPackages(['janus'], 'the Janus media server');
// coturn only when our server is to start it: TURN=on, `--turn on` or `--turn=on` (flags win, as in config/load.ts).
const args = process.argv.slice(2);
const turnFlag = args.findIndex((a) => a === '--turn' || a.startsWith('--turn='));
const turn = turnFlag < 0 ? process.env.TURN : (args[turnFlag].split('=')[1] ?? args[turnFlag + 1]);
if (turn === 'on') ensureDebianPackages(['coturn', 'util-linux'], 'the TURN server (TURN=on)');
ensureNodeModules();
build();
const server = spawn(
  process.execPath,
  ['--enable-source-maps', join(ROOT, 'packages/server/dist/main.js'), ...process.argv.slice(2)],
  {
    stdio: 'inherit',
  },
);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

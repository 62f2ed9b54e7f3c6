#!/usr/bin/env node
// `npm start`: installs what is missing (Janus, npm dependencies), builds, and runs the server.
// Settings come from the environment and flags: `npm start -- --port 9000`, see README.md.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { build, ensureDebianPackages, ensureNodeModules, ROOT } from './ensure.mjs';

ensureDebianPackages(['janus'], 'the Janus media server');
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

#!/usr/bin/env node
// `npm run cluster`: installs what is missing (Janus, redis-server, haproxy, npm deps), builds, then starts Redis,
// two Backdrop nodes (each with its own Janus) and haproxy on PORT (default 8080). Ctrl-C stops everything.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { build, ensureDebianPackages, ensureNodeModules, ROOT } from './ensure.mjs';

ensureDebianPackages(
  ['janus', 'redis-server', 'haproxy', 'util-linux'],
  'cluster mode: SFU, shared store, load balancer',
);
ensureNodeModules();
build();

const child = spawn(
  join(ROOT, 'node_modules/.bin/tsx'),
  [join(ROOT, 'packages/server/src/cluster/local-cluster-main.ts')],
  { cwd: ROOT, stdio: 'inherit' },
);
// Ctrl-C reaches the child too (same process group); a SIGTERM to us is passed on.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

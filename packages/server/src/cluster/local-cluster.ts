import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { freePort, waitForTcp } from '../support/tcp.js';
import { haproxyConfig } from './haproxy-config.js';

/**
 * `npm run cluster` and the cluster e2e: Redis (no persistence, a temp dir, a free port: never the system
 * service), N Backdrop nodes (each with its own Janus, its own RTP range) and haproxy in front. Every child is
 * owned here, started under `setpriv --pdeathsig SIGKILL` so none outlives this process, and stopped by stop().
 */

const SERVER_MAIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../dist/main.js');
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((path) => existsSync(path));
const START_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 5_000;

export interface LocalClusterOptions {
  /** Where haproxy listens (0: a free port). */
  port: number;
  host?: string;
  /** Node ids, one node each (default `a`, `b`). */
  nodeIds?: readonly string[];
  /** Extra environment for every node (e.g. P2P, JANUS_ICE_ENFORCE_LIST). */
  nodeEnv?: Record<string, string>;
  /** Every line each child prints, with its name (`redis`, `haproxy`, a node id). */
  onLine?: (who: string, line: string) => void;
}

/** One child process we own. */
class Owned {
  readonly lines: string[] = [];
  readonly exited: Promise<void>;

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
    onLine?: (who: string, line: string) => void,
  ) {
    this.exited = new Promise((done) => child.once('exit', () => done()));
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      createInterface({ input: stream }).on('line', (line) => {
        if (this.lines.length > 5000) this.lines.shift();
        this.lines.push(line);
        onLine?.(name, line);
      });
    }
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  kill9(): Promise<void> {
    if (this.alive) this.child.kill('SIGKILL');
    return this.exited;
  }

  async stop(): Promise<void> {
    if (!this.alive) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_GRACE_MS);
    await this.exited;
    clearTimeout(timer);
  }
}

function start(name: string, argv: string[], env: NodeJS.ProcessEnv, onLine?: LocalClusterOptions['onLine']) {
  const full = SETPRIV ? [SETPRIV, '--pdeathsig', 'SIGKILL', '--', ...argv] : argv;
  const child = spawn(full[0]!, full.slice(1), { env, cwd: tmpdir(), stdio: ['ignore', 'pipe', 'pipe'] });
  child.on('error', () => undefined);
  return new Owned(name, child, onLine);
}

export interface ClusterNodeProcess {
  id: string;
  port: number;
  url: string;
  process: Owned;
}

export interface LocalCluster {
  /** The load balancer: what users open. */
  url: string;
  redisUrl: string;
  nodes: ClusterNodeProcess[];
  /** kill -9 of one node (its Janus dies with it). */
  killNode(id: string): Promise<void>;
  /** kill -9 of redis-server, then a fresh one on the same port (empty: no persistence) after `downMs`. */
  restartRedis(downMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** Starts Redis, the nodes and haproxy; on any failure stops what it started and rethrows. */
export async function startLocalCluster(options: LocalClusterOptions): Promise<LocalCluster> {
  if (!existsSync(SERVER_MAIN)) throw new Error('the server is not built: run `npm run build` first');
  const host = options.host ?? '127.0.0.1';
  const dir = mkdtempSync(join(tmpdir(), 'backdrop-cluster-'));
  const owned: Owned[] = [];
  const onLine = options.onLine;
  let redis: Owned | undefined;
  const redisPort = await freePort();
  const startRedis = async () => {
    redis = start(
      'redis',
      // In its own temp dir, so nothing it might write lands in the repository.
      [
        'redis-server',
        '--port',
        String(redisPort),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
      ],
      { ...process.env },
      onLine,
    );
    owned.push(redis);
    const r = redis;
    await waitForTcp({
      what: 'redis-server',
      host: '127.0.0.1',
      port: redisPort,
      deadline: Date.now() + START_TIMEOUT_MS,
      alive: () => r.alive,
    });
  };
  const stopAll = async () => {
    await Promise.all(owned.map((o) => o.stop()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await startRedis();
    const redisUrl = `redis://127.0.0.1:${redisPort}`;
    const ids = options.nodeIds ?? ['a', 'b'];
    const nodes: ClusterNodeProcess[] = [];
    await Promise.all(
      ids.map(async (id, i) => {
        const port = await freePort();
        const url = `http://127.0.0.1:${port}`;
        const rtpMin = 20_000 + i * 5_000;
        const child = start(
          id,
          [process.execPath, '--enable-source-maps', SERVER_MAIN],
          {
            ...process.env,
            HOST: '127.0.0.1',
            PORT: String(port),
            REDIS_URL: redisUrl,
            NODE_ID: id,
            NODE_URL: url,
            JANUS_RTP_PORT_RANGE: `${rtpMin}-${rtpMin + 3_999}`,
            // Media from the other nodes' Janus (remote publishers), apart from the browsers' range.
            JANUS_REMOTE_PORTS: `${rtpMin + 4_000}-${rtpMin + 4_999}`,
            TRUST_PROXY: '127.0.0.1',
            SHUTDOWN_DRAIN_MS: '0',
            ...options.nodeEnv,
          },
          onLine,
        );
        owned.push(child);
        await new Promise<void>((ready, fail) => {
          const timer = setTimeout(
            () => fail(new Error(`node ${id} did not start in time`)),
            START_TIMEOUT_MS,
          );
          const check = setInterval(() => {
            if (child.lines.some((l) => l.includes('backdrop listening'))) {
              clearInterval(check);
              clearTimeout(timer);
              ready();
            } else if (!child.alive) {
              clearInterval(check);
              clearTimeout(timer);
              fail(new Error(`node ${id} exited:\n${child.lines.slice(-20).join('\n')}`));
            }
          }, 100);
        });
        nodes.push({ id, port, url, process: child });
      }),
    );
    nodes.sort((a, b) => ids.indexOf(a.id) - ids.indexOf(b.id));
    const port = options.port === 0 ? await freePort() : options.port;
    const config = join(dir, 'haproxy.cfg');
    writeFileSync(config, haproxyConfig({ host, port, nodes }));
    const haproxy = start('haproxy', ['haproxy', '-db', '-f', config], { ...process.env }, onLine);
    owned.push(haproxy);
    await waitForTcp({
      what: 'haproxy',
      host,
      port,
      deadline: Date.now() + START_TIMEOUT_MS,
      alive: () => haproxy.alive,
    });
    return {
      url: `http://${host}:${port}`,
      redisUrl,
      nodes,
      async killNode(id) {
        const node = nodes.find((n) => n.id === id);
        if (!node) throw new Error(`no node ${id}`);
        await node.process.kill9();
      },
      async restartRedis(downMs = 0) {
        await redis?.kill9();
        await new Promise((r) => setTimeout(r, downMs));
        await startRedis();
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

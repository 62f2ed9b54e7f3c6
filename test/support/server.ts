import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export const ROOT = join(import.meta.dirname, '../..');
const SERVER_MAIN = join(ROOT, 'packages/server/dist/main.js');

export interface TestServer {
  url: string;
  wsUrl: string;
  process: ChildProcess;
  /** Log lines the server printed (pino JSON), for assertions and post-mortems. */
  logs: string[];
  stop(): Promise<void>;
}

export interface TestServerOptions {
  /** A named network namespace (`ip netns`) to run the server, and so Janus and coturn, in. */
  netns?: string;
}

/** Starts the built server (and so its own Janus) on a free port, as `npm start` would. */
export async function startTestServer(
  env: Record<string, string> = {},
  options: TestServerOptions = {},
): Promise<TestServer> {
  if (!existsSync(SERVER_MAIN))
    throw new Error('server is not built: run `npm test` (or `npm run build`) first');
  if (!process.env.JANUS_ICE_ENFORCE_LIST) {
    throw new Error(
      'media tests must run inside the network namespace that `npm test` creates (JANUS_ICE_ENFORCE_LIST unset)',
    );
  }
  // The server dies with this test process (SIGTERM: it drains and stops its Janus), also when the runner is
  // killed and `stop()` never runs. `ip netns exec` and setpriv exec the command, so the child's pid is the
  // server's own and signals reach it.
  const node = [...dieWithParent('SIGTERM'), process.execPath, '--enable-source-maps', SERVER_MAIN];
  const argv = options.netns ? ['ip', 'netns', 'exec', options.netns, ...node] : node;
  const child = spawn(argv[0]!, argv.slice(1), {
    // RESUME_WINDOW_MS 0 unless a suite asks: the suites written before resume assert that a lost or
    // misbehaving socket's participant leaves at once (participantLeft, rooms emptied); resume.e2e sets its own.
    // P2P off unless a suite asks: those suites check media through Janus (relay pairs to Janus, SFU stats);
    // p2p.e2e and the two-person suites that opt in run the default (on).
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'debug',
      RESUME_WINDOW_MS: '0',
      P2P: 'off',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error(`server did not start:\n${logs.join('\n')}`));
    }, 20_000);
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => {
        logs.push(line);
        const match = /"url":"(https?:\/\/[^"]+)".*backdrop listening/.exec(line);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
    }
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${logs.join('\n')}`));
    });
  });
  return {
    url,
    wsUrl: `${url.replace(/^http/, 'ws')}/ws`,
    process: child,
    logs,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 8000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export { rssKiB } from './process.js';

/**
 * Log lines in which the server reported its Janus down, dead or hung. A hostile suite expects none: no client
 * input may take the media server (and so every meeting) down.
 */
export function janusFaults(server: TestServer): string[] {
  return server.logs.filter((line) =>
    /janus is down|janus exited unexpectedly|janus is not answering/.test(line),
  );
}

/**
 * The prefix that makes a spawned command get `signal` when the process that spawned it dies (Linux's
 * parent-death signal, set by util-linux's setpriv before it execs the command).
 */
export function dieWithParent(signal: 'SIGTERM' | 'SIGKILL'): string[] {
  return ['setpriv', '--pdeathsig', signal, '--'];
}

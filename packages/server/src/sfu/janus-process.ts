import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Logger } from '../logger.js';
import { freePort, waitForTcp } from '../support/tcp.js';
import { JANUS_PLUGINS, JANUS_TRANSPORTS, renderJanusConfig } from './janus-config.js';

export const JANUS_LIB_DIR = '/usr/lib/x86_64-linux-gnu/janus';

/** Links the only Janus modules we load (VideoRoom, WebSocket transport) from the Debian package into `dir`. */
export async function linkJanusModules(dir: string): Promise<void> {
  for (const [folder, files] of [
    ['plugins', JANUS_PLUGINS],
    ['transports', JANUS_TRANSPORTS],
    ['events', []],
    ['loggers', []],
  ] as const) {
    await mkdir(join(dir, folder));
    for (const file of files) await symlink(join(JANUS_LIB_DIR, folder, file), join(dir, folder, file));
  }
}

export interface JanusProcessOptions {
  bin: string;
  wsPort: number;
  rtpPortRange: string;
  iceEnforceList: string | undefined;
  iceIgnoreList: string;
  debugLevel: number;
  logger: Logger;
  /** Janus's `session_timeout`, in seconds (60 if unset). */
  sessionTimeoutS?: number;
  /** A Janus that has not opened its port this long after spawning is killed, and the start fails. */
  startTimeoutMs?: number;
  /** PUBLIC_IP: Janus's `nat_1_1_mapping`. */
  natMapping?: readonly string[] | undefined;
  /** JANUS_STUN_SERVER: Janus's `stun_server` and `stun_port`. */
  stunServer?: { host: string; port: number } | undefined;
}

/**
 * `setpriv --pdeathsig SIGKILL` makes the kernel kill Janus when our process dies, even by SIGKILL, when no
 * 'exit' handler runs. setpriv execs Janus, so the child's pid is Janus's.
 */
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((path) => existsSync(path));

/** Where to reach a running Janus and the credentials it was started with. */
export interface JanusEndpoint {
  url: string;
  apiSecret: string;
  adminKey: string;
}

interface JanusProcessEvents {
  /** Janus died unexpectedly; it is being restarted and every session it had is gone. */
  crashed: [code: number | null, signal: NodeJS.Signals | null];
  /** A (re)started Janus is accepting connections. */
  ready: [JanusEndpoint];
}

/**
 * Owns one Janus child process: generates its config (VideoRoom + WebSocket transport on 127.0.0.1, fresh random
 * secrets per start), starts it, restarts it with back-off when it dies, and stops it.
 */
export class JanusProcess extends EventEmitter<JanusProcessEvents> {
  private child: ChildProcess | undefined;
  private dir: string | undefined;
  private stopping = false;
  private restarts = 0;
  endpoint: JanusEndpoint | undefined;

  constructor(private readonly options: JanusProcessOptions) {
    super();
  }

  async start(): Promise<JanusEndpoint> {
    const { logger } = this.options;
    const dir = await mkdtemp(join(tmpdir(), 'backdrop-janus-'));
    this.dir = dir;
    await linkJanusModules(dir);
    const wsPort = this.options.wsPort || (await freePort());
    const secrets = { apiSecret: randomBytes(24).toString('hex'), adminKey: randomBytes(24).toString('hex') };
    const files = renderJanusConfig({
      dir,
      ...secrets,
      adminSecret: randomBytes(24).toString('hex'),
      wsPort,
      rtpPortRange: this.options.rtpPortRange,
      iceEnforceList: this.options.iceEnforceList,
      iceIgnoreList: this.options.iceIgnoreList,
      debugLevel: this.options.debugLevel,
      natMapping: this.options.natMapping,
      stunServer: this.options.stunServer,
      ...(this.options.sessionTimeoutS === undefined
        ? {}
        : { sessionTimeoutS: this.options.sessionTimeoutS }),
    });
    for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text, { mode: 0o600 });

    const janusArgs = [this.options.bin, '-F', dir, '-C', join(dir, 'janus.jcfg'), '-o'];
    const [command, ...args] = SETPRIV ? [SETPRIV, '--pdeathsig', 'SIGKILL', '--', ...janusArgs] : janusArgs;
    const child = spawn(command!, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    // Janus must not outlive us, whatever way we exit (a crash, process.exit).
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);
    child.once('exit', () => process.off('exit', killOnExit));
    const janusLog = logger.child({ name: 'janus' });
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream! }).on('line', (line) => {
        if (/\[ERR\]|FATAL|error/i.test(line)) janusLog.warn(line);
        else janusLog.debug(line);
      });
    }
    let exited = false;
    const spawnError = new Promise<never>((_, reject) => child.once('error', reject));
    child.once('exit', (code, signal) => {
      exited = true;
      if (this.child === child) this.onExit(code, signal);
    });
    const startTimeoutMs = this.options.startTimeoutMs ?? 15_000;
    try {
      await Promise.race([
        waitForTcp({
          what: 'janus',
          host: '127.0.0.1',
          port: wsPort,
          deadline: Date.now() + startTimeoutMs,
          alive: () => !exited,
        }),
        spawnError,
      ]);
    } catch (error) {
      // A Janus that did not come up is not left running: forget it (no restart), kill it, wait for it.
      this.child = undefined;
      // A spawn that failed (no pid) may never emit 'exit'.
      if (!exited && child.pid !== undefined) {
        const gone = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        await gone;
      }
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
    const endpoint = { url: `ws://127.0.0.1:${wsPort}`, ...secrets };
    this.endpoint = endpoint;
    logger.info({ pid: child.pid, url: endpoint.url }, 'janus started');
    this.emit('ready', endpoint);
    return endpoint;
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.child = undefined;
    this.endpoint = undefined;
    const dir = this.dir;
    if (dir) void rm(dir, { recursive: true, force: true });
    if (this.stopping) return;
    this.options.logger.error({ code, signal }, 'janus exited unexpectedly');
    this.emit('crashed', code, signal);
    this.scheduleRestart();
  }

  /** Starts Janus again after a back-off (0.5 s doubling to 30 s), until one start succeeds. */
  private scheduleRestart(): void {
    const delay = Math.min(30_000, 500 * 2 ** this.restarts++);
    setTimeout(() => {
      if (this.stopping) return;
      this.start().then(
        () => {
          this.restarts = 0;
        },
        (error: unknown) => {
          this.options.logger.error({ err: error }, 'janus restart failed');
          this.scheduleRestart();
        },
      );
    }, delay).unref();
  }

  /** The running Janus's pid, if any. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /**
   * Kills the Janus with this pid (SIGKILL, which also ends a stopped process) if it is still ours; the usual
   * crash path then restarts it. Used when Janus is alive but no longer answers.
   */
  kill(pid: number): void {
    if (this.child?.pid === pid && this.child.exitCode === null) {
      this.options.logger.warn({ pid }, 'janus is not answering: killing it to restart it');
      this.child.kill('SIGKILL');
    }
  }

  /** Stops Janus (SIGTERM, then SIGKILL after 3 s) and removes its generated config. */
  async stop(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
  }
}

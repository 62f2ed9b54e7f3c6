import { type ChildProcess, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { chown, copyFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Logger } from '../logger.js';
import { waitForTcp } from '../support/tcp.js';
import { type CoturnConfigOptions, renderCoturnConfig } from './coturn-config.js';

export interface CoturnProcessOptions extends Omit<CoturnConfigOptions, 'dir'> {
  bin: string;
  /** A start that has not opened the TURN port by then is killed. */
  startTimeoutMs: number;
  logger: Logger;
}

type State = 'idle' | 'starting' | 'running' | 'restarting' | 'stopped';

interface CoturnProcessEvents {
  /** coturn died unexpectedly; every allocation it had is gone, and it is being restarted. */
  crashed: [code: number | null, signal: NodeJS.Signals | null];
  /** A (re)started coturn is accepting connections. */
  ready: [];
}

/**
 * Debian's coturn package creates a `turnserver` user. When we run as root, coturn runs as that user from its
 * first instruction (a coturn bug must not hand out root). It must not switch by itself (`proc-user`): a
 * credential change clears the parent-death signal, and coturn would outlive us.
 */
async function unprivilegedUser(): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const passwd = await readFile('/etc/passwd', 'utf8').catch(() => '');
  const match = /^turnserver:[^:]*:(\d+):(\d+):/m.exec(passwd);
  return match ? { uid: Number(match[1]), gid: Number(match[2]) } : undefined;
}

interface Prepared {
  configFile: string;
  user: { uid: number; gid: number } | undefined;
  /** coturn must bind a port below 1024. */
  lowPorts: boolean;
}

/** setpriv: become `user` (able to bind ports below 1024 if asked), then die with us, then exec coturn. */
export function setprivArgs(options: {
  user: { uid: number; gid: number } | undefined;
  lowPorts: boolean;
  command: string[];
}): string[] {
  const { user } = options;
  return [
    ...(user ? [`--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups'] : []),
    ...(user && options.lowPorts ? ['--inh-caps=+net_bind_service', '--ambient-caps=+net_bind_service'] : []),
    // After the uid change, so the kernel keeps it: coturn is SIGKILLed when we die, however we die.
    '--pdeathsig',
    'SIGKILL',
    '--',
    ...options.command,
  ];
}

/** Where to probe that coturn listens: loopback when it listens everywhere, else its first listening address. */
function probeAddress(listeningIps: readonly string[]): string {
  if (listeningIps.length === 0) return '127.0.0.1';
  return listeningIps.find((ip) => ip === '127.0.0.1' || ip === '::1') ?? listeningIps[0]!;
}

/**
 * Owns one coturn child process: writes its generated turnserver.conf to a private temp dir, starts it (as the
 * `turnserver` user when we are root; it dies with us: `setpriv --pdeathsig SIGKILL`), restarts it with back-off when it dies, and stops it. The secret is
 * the caller's and stays the same across restarts, so credentials already handed out keep working.
 */
export class CoturnProcess extends EventEmitter<CoturnProcessEvents> {
  private child: ChildProcess | undefined;
  private dir: string | undefined;
  private restarts = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  state: State = 'idle';

  constructor(private readonly options: CoturnProcessOptions) {
    super();
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async start(): Promise<void> {
    if (this.state !== 'idle') throw new Error(`CoturnProcess.start() in state ${this.state}`);
    await this.launch();
  }

  private async launch(): Promise<void> {
    const { logger, bin, startTimeoutMs, ...configOptions } = this.options;
    this.state = 'starting';
    const dir = await mkdtemp(join(tmpdir(), 'backdrop-coturn-'));
    this.dir = dir;
    let prepared: Prepared;
    try {
      prepared = await this.prepare(dir, configOptions);
    } catch (error) {
      // A missing certificate, a full disk: nothing was started, and nothing is left behind.
      await rm(dir, { recursive: true, force: true });
      if ((this.state as State) !== 'stopped') this.state = 'idle';
      throw error;
    }
    const { configFile, user, lowPorts } = prepared;

    // setpriv execs coturn in place, so the child's pid is coturn's.
    const child = spawn('setpriv', setprivArgs({ user, lowPorts, command: [bin, '-c', configFile] }), {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);
    child.once('exit', () => process.off('exit', killOnExit));
    const coturnLog = logger.child({ name: 'coturn' });
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream! }).on('line', (line) => {
        if (/ERROR|WARNING|cannot|failed/i.test(line)) coturnLog.warn(line);
        else coturnLog.debug(line);
      });
    }
    let exited = false;
    const spawnError = new Promise<never>((_, reject) => child.once('error', reject));
    spawnError.catch(() => {});
    child.once('exit', (code, signal) => {
      exited = true;
      if (this.child === child) this.onExit(code, signal);
    });
    const host = probeAddress(this.options.listeningIps);
    try {
      await Promise.race([
        waitForTcp({
          what: 'coturn',
          host,
          port: this.options.port,
          deadline: Date.now() + startTimeoutMs,
          alive: () => !exited,
        }),
        spawnError,
      ]);
    } catch (error) {
      // A coturn that did not come up in time must not linger half-started.
      if (this.child === child) this.child = undefined;
      child.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
      if ((this.state as State) !== 'stopped') this.state = 'idle';
      throw error;
    }
    if ((this.state as State) !== 'starting') {
      // stop() ran while we were starting.
      child.kill('SIGKILL');
      return;
    }
    this.state = 'running';
    logger.info({ pid: child.pid, host, port: this.options.port }, 'coturn started');
    this.emit('ready');
  }

  /** Writes turnserver.conf (and private copies of the certificate) into `dir`, owned by coturn's user. */
  private async prepare(dir: string, configOptions: Omit<CoturnConfigOptions, 'dir'>): Promise<Prepared> {
    const configFile = join(dir, 'turnserver.conf');
    const user = await unprivilegedUser();
    // coturn reads its certificate as its own user: private copies, gone with the directory.
    let tls = configOptions.tls;
    if (tls) {
      const certFile = join(dir, 'cert.pem');
      const keyFile = join(dir, 'key.pem');
      await copyFile(tls.certFile, certFile);
      await copyFile(tls.keyFile, keyFile);
      tls = { ...tls, certFile, keyFile };
    }
    await writeFile(configFile, renderCoturnConfig({ ...configOptions, tls, dir }), { mode: 0o600 });
    if (user) for (const name of await readdir(dir)) await chown(join(dir, name), user.uid, user.gid);
    if (user) await chown(dir, user.uid, user.gid);
    const lowPorts = configOptions.port < 1024 || (tls !== undefined && tls.port < 1024);
    return { configFile, user, lowPorts };
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.child = undefined;
    const dir = this.dir;
    if (dir) void rm(dir, { recursive: true, force: true });
    if (this.state === 'stopped') return;
    const { logger } = this.options;
    const wasRunning = this.state === 'running';
    this.state = 'restarting';
    if (!wasRunning) return; // a failed start is reported by launch() to its caller
    logger.error({ code, signal }, 'coturn exited unexpectedly');
    this.emit('crashed', code, signal);
    this.scheduleRestart();
  }

  private scheduleRestart(): void {
    const delay = Math.min(30_000, 500 * 2 ** this.restarts++);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (this.state === 'stopped') return;
      this.launch().then(
        () => {
          this.restarts = 0;
        },
        (error: unknown) => {
          this.options.logger.error({ err: error, attempt: this.restarts }, 'coturn restart failed');
          if (this.state !== 'stopped') {
            this.state = 'restarting';
            this.scheduleRestart();
          }
        },
      );
    }, delay);
    this.restartTimer.unref();
  }

  /** Stops coturn (SIGTERM, then SIGKILL after 3 s) and removes its generated config. Idempotent. */
  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    this.state = 'stopped';
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
  }
}

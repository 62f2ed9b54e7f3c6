import { type ChildProcess, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Logger } from '../logger.js';
import { waitForTcp } from './tcp.js';

/** One start of the child: what to run and where it listens once it is up. */
export interface Launch<T> {
  /** argv, the program first. It should exec in place (setpriv does), so the child's pid is the program's. */
  command: readonly string[];
  /** The TCP port whose opening means the child is up. */
  probe: { host: string; port: number };
  /** What the `ready` event and start() hand out for this start (an endpoint, credentials). */
  result: T;
}

export interface ChildSupervisorOptions<T> {
  /** The child's name in logs and errors: `janus`, `coturn`. */
  name: string;
  logger: Logger;
  /** A start that has not opened its probe port by then is killed, and fails. */
  startTimeoutMs: number;
  /** Writes this start's config into `dir` (fresh and private per start, removed when the child is gone). */
  prepare(dir: string): Promise<Launch<T>>;
  /** Output lines logged at warn level; the rest at debug. */
  warnLine: RegExp;
  /**
   * A child that ran at least this long before dying is restarted after the first back-off step again; one that
   * dies sooner keeps doubling the back-off (0.5 s to 30 s), so a child that crashes at once is not restarted
   * every half second forever.
   */
  stableAfterMs?: number;
}

type State = 'idle' | 'starting' | 'running' | 'restarting' | 'stopped';

interface ChildSupervisorEvents<T> {
  /** The child died unexpectedly; it is being restarted. */
  crashed: [code: number | null, signal: NodeJS.Signals | null];
  /** A (re)started child is accepting connections. */
  ready: [T];
}

const FIRST_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 30_000;

/**
 * Owns one supervised child process (Janus, coturn): a private temp dir per start, spawn, wait until its port
 * opens (killing a child that does not), restart with back-off when it dies, stop (SIGTERM, then SIGKILL after
 * 3 s). The child must not outlive us: it is killed from our 'exit' handler, and callers spawn it under
 * `setpriv --pdeathsig SIGKILL` so even a SIGKILL of our process takes it down.
 */
export class ChildSupervisor<T> extends EventEmitter<ChildSupervisorEvents<T>> {
  private child: ChildProcess | undefined;
  private dir: string | undefined;
  private restarts = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private startedAtMs = 0;
  state: State = 'idle';
  /** What the running start handed out, if one is running. */
  current: T | undefined;

  constructor(private readonly options: ChildSupervisorOptions<T>) {
    super();
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** The first start; it fails (and nothing is restarted) if the child does not come up. */
  async start(): Promise<T> {
    if (this.state !== 'idle') throw new Error(`${this.options.name}: start() in state ${this.state}`);
    return this.launch();
  }

  private async launch(): Promise<T> {
    const { logger, name, startTimeoutMs } = this.options;
    this.state = 'starting';
    const dir = await mkdtemp(join(tmpdir(), `backdrop-${name}-`));
    this.dir = dir;
    let launch: Launch<T>;
    try {
      launch = await this.options.prepare(dir);
    } catch (error) {
      // A missing certificate, a full disk: nothing was started, and nothing is left behind.
      await rm(dir, { recursive: true, force: true });
      if ((this.state as State) !== 'stopped') this.state = 'idle';
      throw error;
    }
    const [command, ...args] = launch.command;
    const child = spawn(command!, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);
    child.once('exit', () => process.off('exit', killOnExit));
    const childLog = logger.child({ name });
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream! }).on('line', (line) => {
        if (this.options.warnLine.test(line)) childLog.warn(line);
        else childLog.debug(line);
      });
    }
    let exited = false;
    const spawnError = new Promise<never>((_, reject) => child.once('error', reject));
    spawnError.catch(() => {});
    child.once('exit', (code, signal) => {
      exited = true;
      if (this.child === child) this.onExit(code, signal);
    });
    try {
      await Promise.race([
        waitForTcp({
          what: name,
          ...launch.probe,
          deadline: Date.now() + startTimeoutMs,
          alive: () => !exited,
        }),
        spawnError,
      ]);
    } catch (error) {
      // A child that did not come up is not left running: forget it (no restart from onExit), kill it, wait.
      if (this.child === child) this.child = undefined;
      if (!exited && child.pid !== undefined) {
        const gone = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        await gone;
      }
      await rm(dir, { recursive: true, force: true });
      if ((this.state as State) !== 'stopped') this.state = 'idle';
      throw error;
    }
    if ((this.state as State) !== 'starting') {
      // stop() ran while this start waited for the port.
      child.kill('SIGKILL');
      throw new Error(`${name} was stopped while starting`);
    }
    this.state = 'running';
    this.startedAtMs = Date.now();
    this.current = launch.result;
    logger.info({ pid: child.pid, ...launch.probe }, `${name} started`);
    this.emit('ready', launch.result);
    return launch.result;
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.child = undefined;
    this.current = undefined;
    const dir = this.dir;
    if (dir) void rm(dir, { recursive: true, force: true });
    if (this.state === 'stopped') return;
    const wasRunning = this.state === 'running';
    this.state = 'restarting';
    if (!wasRunning) return; // a start that failed is reported by launch() to its caller
    if (Date.now() - this.startedAtMs >= (this.options.stableAfterMs ?? 10_000)) this.restarts = 0;
    this.options.logger.error({ code, signal }, `${this.options.name} exited unexpectedly`);
    this.emit('crashed', code, signal);
    this.scheduleRestart();
  }

  /** The back-off before the next restart: 0.5 s doubling to 30 s. */
  static backoffMs(restarts: number): number {
    return Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** restarts);
  }

  private scheduleRestart(): void {
    const delay = ChildSupervisor.backoffMs(this.restarts++);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (this.state === 'stopped') return;
      this.launch().catch((error: unknown) => {
        this.options.logger.error(
          { err: error, attempt: this.restarts },
          `${this.options.name} restart failed`,
        );
        if (this.state !== 'stopped') {
          this.state = 'restarting';
          this.scheduleRestart();
        }
      });
    }, delay);
    this.restartTimer.unref();
  }

  /**
   * Kills the child with this pid (SIGKILL, which also ends a stopped process) if it is still ours; the crash
   * path then restarts it. For a child that is alive but no longer answers.
   */
  kill(pid: number, why: string): void {
    if (this.child?.pid === pid && this.child.exitCode === null) {
      this.options.logger.warn({ pid }, `${this.options.name} ${why}: killing it to restart it`);
      this.child.kill('SIGKILL');
    }
  }

  /** Stops the child (SIGTERM, then SIGKILL after 3 s) and removes its dir. Idempotent. */
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

// The bench's side of its bot processes: starts them, places each bot on the least loaded one, collects
// counts, and kills them on every path.
import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import type { BotCounts } from './bot.js';
import type { FromWorker, JoinOrder, ToWorker } from './pool-messages.js';

export interface JoinResult {
  ok: boolean;
  ms?: number;
  participantId?: string;
  error?: string;
}

interface Worker {
  child: ChildProcess;
  bots: number;
}

export class BotPool {
  private readonly workers: Worker[] = [];
  private readonly waiting = new Map<number, (message: FromWorker) => void>();
  private nextKey = 1;
  packetsPerSecond = { audio: 0, video: 0 };

  private constructor() {}

  /** Starts `count` bot processes, each with the fixtures in `cacheDir`. */
  static async start(count: number, cacheDir: string, timeoutMs = 60_000): Promise<BotPool> {
    const pool = new BotPool();
    try {
      await Promise.all(Array.from({ length: count }, () => pool.spawn(cacheDir, timeoutMs)));
    } catch (error) {
      pool.kill();
      throw error;
    }
    return pool;
  }

  /** Process ids of the bot processes (for their CPU time). */
  get pids(): number[] {
    return this.workers.map((w) => w.child.pid!).filter((pid) => pid !== undefined);
  }

  private spawn(cacheDir: string, timeoutMs: number): Promise<void> {
    const child = fork(join(import.meta.dirname, 'bot-worker.ts'), [cacheDir], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const worker: Worker = { child, bots: 0 };
    this.workers.push(worker);
    child.on('message', (message: FromWorker) => {
      const key = message.op === 'joined' ? message.key : 'req' in message ? message.req : undefined;
      if (key === undefined) return;
      const resolve = this.waiting.get(key);
      this.waiting.delete(key);
      resolve?.(message);
    });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('bot process did not start')), timeoutMs);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`bot process exited with ${code}`));
      });
      child.on('message', (message: FromWorker) => {
        if (message.op !== 'ready') return;
        clearTimeout(timer);
        this.packetsPerSecond = message.packetsPerSecond;
        resolve();
      });
    });
  }

  private ask(worker: Worker, build: (key: number) => ToWorker, timeoutMs: number): Promise<FromWorker> {
    const key = this.nextKey++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(key);
        reject(new Error(`bot process did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(key, (message) => {
        clearTimeout(timer);
        resolve(message);
      });
      worker.child.send(build(key));
    });
  }

  /** Joins one bot on the process with the fewest bots. */
  async join(order: JoinOrder): Promise<JoinResult> {
    const worker = this.workers.reduce((a, b) => (b.bots < a.bots ? b : a));
    worker.bots++;
    try {
      const reply = await this.ask(worker, (key) => ({ op: 'join', key, ...order }), order.timeoutMs * 5);
      if (reply.op !== 'joined') throw new Error(`unexpected ${reply.op}`);
      if (!reply.ok) {
        worker.bots--;
        return { ok: false, error: reply.error };
      }
      return { ok: true, ms: reply.ms, participantId: reply.participantId };
    } catch (error) {
      return { ok: false, error: String(error) };
    }
  }

  /** Every bot's counts now, and the errors they noted since the last call. */
  async counts(timeoutMs = 10_000): Promise<{ bots: BotCounts[]; errors: string[] }> {
    const replies = await Promise.all(
      this.workers.map((w) => this.ask(w, (req) => ({ op: 'counts', req }), timeoutMs)),
    );
    const bots: BotCounts[] = [];
    const errors: string[] = [];
    for (const r of replies) {
      if (r.op !== 'counts') continue;
      bots.push(...r.bots);
      errors.push(...r.errors);
    }
    return { bots, errors };
  }

  /** Closes every bot (they leave their rooms); the processes stay for the next step. */
  async closeAll(timeoutMs = 20_000): Promise<void> {
    await Promise.allSettled(
      this.workers.map((w) => this.ask(w, (req) => ({ op: 'closeAll', req }), timeoutMs)),
    );
    for (const w of this.workers) w.bots = 0;
  }

  /** Kills the bot processes at once. Idempotent; safe in exit handlers. */
  kill(): void {
    for (const w of this.workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
  }
}

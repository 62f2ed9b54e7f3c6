// CPU time and memory of the processes the load bench watches (our server, its Janus, the bot processes), read
// from /proc. Linux only.
import { execFileSync } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { descendants, type ProcStat, parseStat } from '../support/proc-stat.js';

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

async function stat(pid: number): Promise<ProcStat | null> {
  return readFile(`/proc/${pid}/stat`, 'utf8').then(parseStat, () => null);
}

/** The first process named `comm` below `root`, or undefined. */
export async function findDescendant(root: number, comm: string): Promise<number | undefined> {
  const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name));
  const stats = (await Promise.all(pids.map((p) => stat(Number(p))))).filter(
    (s): s is ProcStat => s !== null,
  );
  return descendants(stats, root).find((s) => s.comm === comm)?.pid;
}

/** CPU milliseconds (user + system) of `pids` together; an exited process counts 0. */
export async function cpuMs(pids: readonly number[]): Promise<number> {
  const stats = await Promise.all(pids.map(stat));
  return (stats.reduce((sum, s) => sum + (s?.ticks ?? 0), 0) * 1000) / CLOCK_TICKS;
}

/** Resident memory of `pids` together, in MB (VmRSS). */
export async function rssMB(pids: readonly number[]): Promise<number> {
  let kb = 0;
  for (const pid of pids) {
    const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
    kb += Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0);
  }
  return kb / 1024;
}

/** CPU % (of one core) of each group of processes between two `cpuMs` readings `wallMs` apart. */
export function cpuPct(beforeMs: number, afterMs: number, wallMs: number): number {
  return wallMs > 0 ? (100 * (afterMs - beforeMs)) / wallMs : 0;
}

/**
 * UDP counters of this network namespace from /proc/net/snmp text: `RcvbufErrors` counts datagrams the kernel
 * dropped because a socket's reader (a bot, Janus) was too slow to drain its buffer. Pure.
 */
export function parseUdpSnmp(text: string): { inDatagrams: number; rcvbufErrors: number } | null {
  const lines = text.split('\n').filter((l) => l.startsWith('Udp: '));
  if (lines.length < 2) return null;
  const names = lines[0]!.split(/\s+/).slice(1);
  const values = lines[1]!.split(/\s+/).slice(1).map(Number);
  const get = (name: string) => values[names.indexOf(name)] ?? 0;
  return { inDatagrams: get('InDatagrams'), rcvbufErrors: get('RcvbufErrors') };
}

export async function udpCounters(): Promise<{ inDatagrams: number; rcvbufErrors: number } | null> {
  return parseUdpSnmp(await readFile('/proc/net/snmp', 'utf8').catch(() => ''));
}

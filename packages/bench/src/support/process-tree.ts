/** CPU time and memory of a process tree (the browser a benchmark launched), read from /proc. Linux only. */
import { execFileSync } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import {
  descendants,
  groupThreadTicks,
  type ProcStat,
  parsePssKb,
  parseStat,
  processType,
} from './proc-stat.js';

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

async function allStats(): Promise<ProcStat[]> {
  const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name));
  const stats = await Promise.all(
    pids.map((pid) =>
      readFile(`/proc/${pid}/stat`, 'utf8').then(
        (text) => parseStat(text),
        () => null, // exited while we looked
      ),
    ),
  );
  return stats.filter((s): s is ProcStat => s !== null);
}

/**
 * The browsers started by `root` (default: this Node process) and all their helper processes: direct children
 * whose name says chrom(e|ium) or firefox (not Xvfb), and everything below them (not esbuild or other tools Node started).
 */
export async function childTree(root = process.pid): Promise<ProcStat[]> {
  const stats = await allStats();
  const browsers = stats.filter((s) => s.ppid === root && /chrom|firefox/i.test(s.comm));
  return browsers.flatMap((b) => [b, ...descendants(stats, b.pid)]);
}

/**
 * CPU ms of every thread of the browser tree below `root`, added up by `<process type>:<thread name>` (e.g.
 * `renderer:DedicatedWorker`): where a frame's CPU goes (the effects worker, the camera, the page, the GPU
 * process). Threads that exited are not counted.
 */
export async function treeThreadCpuMs(root = process.pid): Promise<Map<string, number>> {
  const tree = await childTree(root);
  const threads: Array<{ type: string; stat: ProcStat }> = [];
  for (const s of tree) {
    const type = processType(await readFile(`/proc/${s.pid}/cmdline`, 'utf8').catch(() => ''));
    const tids = await readdir(`/proc/${s.pid}/task`).catch(() => [] as string[]);
    for (const tid of tids) {
      const text = await readFile(`/proc/${s.pid}/task/${tid}/stat`, 'utf8').catch(() => null);
      if (text) threads.push({ type, stat: parseStat(text) });
    }
  }
  const ticks = groupThreadTicks(threads);
  for (const [k, v] of ticks) ticks.set(k, (v * 1000) / CLOCK_TICKS);
  return ticks;
}

/** CPU milliseconds (user + system, including reaped children) of every process below `root`. */
export async function treeCpuMs(root = process.pid): Promise<number> {
  const tree = await childTree(root);
  return (tree.reduce((sum, s) => sum + s.ticks, 0) * 1000) / CLOCK_TICKS;
}

/**
 * Proportional set size (shared pages split between sharers) of the browser tree below `root`, in MB: the total
 * and per Chromium process type (browser, renderer, gpu-process, utility...). Null when nothing could be read.
 */
export async function treePss(
  root = process.pid,
): Promise<{ totalMB: number; byTypeMB: Record<string, number> } | null> {
  const tree = await childTree(root);
  const byTypeMB: Record<string, number> = {};
  let totalMB = 0;
  let seen = 0;
  for (const s of tree) {
    const pss = parsePssKb(await readFile(`/proc/${s.pid}/smaps_rollup`, 'utf8').catch(() => ''));
    if (pss === null) continue;
    const type = processType(await readFile(`/proc/${s.pid}/cmdline`, 'utf8').catch(() => ''));
    byTypeMB[type] = (byTypeMB[type] ?? 0) + pss / 1024;
    totalMB += pss / 1024;
    seen++;
  }
  for (const type of Object.keys(byTypeMB)) byTypeMB[type] = Math.round(byTypeMB[type]!);
  return seen === 0 ? null : { totalMB, byTypeMB };
}

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';

/** What the hostile suites measure of a process before and after an attack. */
export interface Usage {
  rssKiB: number;
  fds: number;
}

/** Resident memory of a process, in KiB, from /proc. */
export async function rssKiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = /VmRSS:\s+(\d+)/.exec(status);
  if (!match) throw new Error('no VmRSS');
  return Number(match[1]);
}

/** Open file descriptors of a process, from /proc. */
export async function fdCount(pid: number): Promise<number> {
  return (await readdir(`/proc/${pid}/fd`)).length;
}

export async function usage(pid: number): Promise<Usage> {
  return { rssKiB: await rssKiB(pid), fds: await fdCount(pid) };
}

/** Polls until the fd count is at most `limit`, for up to `timeoutMs`; returns the last count. */
export async function settledFds(pid: number, limit: number, timeoutMs = 5000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let count = await fdCount(pid);
  while (count > limit && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    count = await fdCount(pid);
  }
  return count;
}

/** True while the process exists and is not a zombie. */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** The janus child of our server process. */
export function janusPidOf(serverPid: number): number {
  const out = execFileSync('pgrep', ['-P', String(serverPid), '-x', 'janus'], { encoding: 'utf8' }).trim();
  return Number(out.split('\n')[0]);
}

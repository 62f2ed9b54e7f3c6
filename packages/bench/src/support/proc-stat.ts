/** Parsing Linux /proc text for the speed bench. Pure: the caller reads the files. */

export interface ProcStat {
  pid: number;
  ppid: number;
  comm: string;
  /** utime + stime + cutime + cstime, in clock ticks (children's time counts once they are reaped). */
  ticks: number;
  /** utime + stime only: the figure for one thread (/proc/<pid>/task/<tid>/stat). */
  ownTicks: number;
}

/**
 * Parses /proc/<pid>/stat. The command name is in parentheses and may itself hold spaces or ')', so fields are
 * counted from the last ')'.
 */
export function parseStat(text: string): ProcStat {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) throw new Error(`not a /proc stat line: ${text.slice(0, 60)}`);
  const rest = text
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  // rest[0] is field 3 (state); utime..cstime are fields 14..17.
  const field = (n: number) => Number(rest[n - 3]);
  return {
    pid: Number(text.slice(0, open).trim()),
    ppid: field(4),
    comm: text.slice(open + 1, close),
    ticks: field(14) + field(15) + field(16) + field(17),
    ownTicks: field(14) + field(15),
  };
}

/**
 * CPU ticks per thread group over a window: each thread named `<process type>:<thread name>` (Chromium names
 * its threads: CrRendererMain, DedicatedWorker, VideoCaptureThr...), the ticks of threads of one name added,
 * `before` taken from `after`. A thread that started in the window counts from zero. Sorted, largest first.
 */
export function threadTicksDelta(
  before: ReadonlyMap<string, number>,
  after: ReadonlyMap<string, number>,
): Array<{ name: string; ticks: number }> {
  const out: Array<{ name: string; ticks: number }> = [];
  for (const [name, ticks] of after) {
    const delta = ticks - (before.get(name) ?? 0);
    if (delta > 0) out.push({ name, ticks: delta });
  }
  return out.sort((a, b) => b.ticks - a.ticks || a.name.localeCompare(b.name));
}

/** Per-thread stats added up by `<type>:<comm>` (the key threadTicksDelta compares). Keyed by thread id first. */
export function groupThreadTicks(
  threads: ReadonlyArray<{ type: string; stat: ProcStat }>,
): Map<string, number> {
  const out = new Map<string, number>();
  for (const { type, stat } of threads) {
    const key = `${type}:${stat.comm}`;
    out.set(key, (out.get(key) ?? 0) + stat.ownTicks);
  }
  return out;
}

/** Every process below `root` (not `root` itself), from a list of stats. */
export function descendants(stats: readonly ProcStat[], root: number): ProcStat[] {
  const children = new Map<number, ProcStat[]>();
  for (const s of stats) {
    const list = children.get(s.ppid) ?? [];
    list.push(s);
    children.set(s.ppid, list);
  }
  const out: ProcStat[] = [];
  const queue = [root];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      out.push(child);
      queue.push(child.pid);
    }
  }
  return out;
}

/** The `Pss:` line of /proc/<pid>/smaps_rollup, in kB (null when absent). */
export function parsePssKb(text: string): number | null {
  const match = /^Pss:\s+(\d+) kB/m.exec(text);
  return match ? Number(match[1]) : null;
}

/**
 * Chromium's process type from /proc/<pid>/cmdline: its `--type=` value, else 'browser'. Arguments are
 * NUL-separated, except in children that rewrote their title, where they are separated by spaces.
 */
export function processType(cmdline: string): string {
  for (const arg of cmdline.split(/[\0 ]/)) if (arg.startsWith('--type=')) return arg.slice('--type='.length);
  return 'browser';
}

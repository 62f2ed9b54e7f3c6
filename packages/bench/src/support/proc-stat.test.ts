import { describe, expect, it } from 'vitest';
import {
  descendants,
  groupThreadTicks,
  parsePssKb,
  parseStat,
  processType,
  threadTicksDelta,
} from './proc-stat.js';

describe('parseStat', () => {
  it('reads pid, ppid and CPU ticks even when the name has spaces and parentheses', () => {
    const line =
      '4242 (Chrome_Child) (x)) S 4000 4242 4242 0 -1 4194560 100 0 0 0 150 50 7 3 20 0 12 0 500 1000 200 18446744073709551615';
    expect(parseStat(line)).toEqual({
      pid: 4242,
      ppid: 4000,
      comm: 'Chrome_Child) (x)',
      ticks: 210,
      ownTicks: 200,
    });
  });

  it('refuses text that is not a stat line', () => {
    expect(() => parseStat('garbage')).toThrow(/stat/);
  });
});

describe('descendants', () => {
  it('walks the whole tree below a pid, not its siblings', () => {
    const p = (pid: number, ppid: number) => ({ pid, ppid, comm: 'x', ticks: 0, ownTicks: 0 });
    const tree = [p(1, 0), p(10, 1), p(11, 10), p(12, 11), p(13, 10), p(20, 1)];
    expect(descendants(tree, 10).map((s) => s.pid)).toEqual([11, 13, 12]);
  });
});

describe('parsePssKb', () => {
  it('finds the Pss line', () => {
    expect(parsePssKb('Rss:    2048 kB\nPss:    1024 kB\nPss_Anon:  10 kB\n')).toBe(1024);
    expect(parsePssKb('Rss: 1 kB')).toBeNull();
  });
});

describe('processType', () => {
  it("reads Chromium's --type= switch", () => {
    expect(processType('/usr/lib/chromium/chromium\0--type=gpu-process\0--no-sandbox\0')).toBe('gpu-process');
    expect(processType('/usr/lib/chromium/chromium\0--headless\0')).toBe('browser');
    expect(processType('/usr/lib/chromium/chromium --type=renderer --lang=en-US')).toBe('renderer');
  });
});

describe('thread ticks', () => {
  const t = (comm: string, ownTicks: number, type = 'renderer') => ({
    type,
    stat: { pid: 1, ppid: 0, comm, ticks: ownTicks + 1000, ownTicks },
  });

  it('adds up threads of one name per process type, from their own ticks only', () => {
    const groups = groupThreadTicks([
      t('DedicatedWorker', 30),
      t('DedicatedWorker', 12),
      t('CrRendererMain', 5),
      t('CrRendererMain', 7, 'browser'),
    ]);
    expect([...groups]).toEqual([
      ['renderer:DedicatedWorker', 42],
      ['renderer:CrRendererMain', 5],
      ['browser:CrRendererMain', 7],
    ]);
  });

  it('gives what each group spent in the window, largest first; new threads count from zero', () => {
    const before = new Map([
      ['renderer:DedicatedWorker', 100],
      ['renderer:CrRendererMain', 50],
      ['gpu-process:VizCompositorTh', 9],
    ]);
    const after = new Map([
      ['renderer:DedicatedWorker', 400],
      ['renderer:CrRendererMain', 60],
      ['gpu-process:VizCompositorTh', 9],
      ['renderer:Media', 20],
    ]);
    expect(threadTicksDelta(before, after)).toEqual([
      { name: 'renderer:DedicatedWorker', ticks: 300 },
      { name: 'renderer:Media', ticks: 20 },
      { name: 'renderer:CrRendererMain', ticks: 10 },
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { formatTable, per, percentile, ratio, type SpeedRun } from './figures.js';

describe('percentile', () => {
  it('uses the nearest rank', () => {
    const values = [5, 1, 4, 2, 3, 6, 7, 8, 9, 10];
    expect(percentile(values, 50)).toBe(5);
    expect(percentile(values, 95)).toBe(10);
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([], 50)).toBeNull();
  });
});

describe('per and ratio', () => {
  it('are null instead of dividing by zero or by an unknown', () => {
    expect(per(300, 30)).toBe(10);
    expect(per(300, 0)).toBeNull();
    expect(per(null, 3)).toBeNull();
    expect(ratio(10, 40)).toBe(0.25);
    expect(ratio(10, 0)).toBeNull();
    expect(ratio(null, 1)).toBeNull();
  });
});

describe('formatTable', () => {
  const run = (processor: SpeedRun['processor'], fpsOut: number, effectMsP50: number | null): SpeedRun => ({
    processor,
    width: 1280,
    height: 720,
    fpsIn: 30,
    fpsOut,
    effectMsP50,
    effectMsP95: null,
    cpuMsPerFrame: 20,
    longTaskMsPerS: 0,
    memStartMB: 300,
    memEndMB: 310,
  });

  it('prints every run and the Backdrop/LiveKit ratio per figure', () => {
    const text = formatTable([
      run('none', 30, null),
      run('backdrop-blur', 30, 10),
      run('livekit-blur', 15, 40),
    ]);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^run\s+fps in\s+fps out/);
    expect(lines[1]).toMatch(/^none 1280x720\s+30\.0\s+30\.0\s+–/);
    const ratioLine = lines.find((l) => l.startsWith('Backdrop/LiveKit blur 1280x720'));
    expect(ratioLine).toMatch(/1\.00x\s+2\.00x\s+0\.25x\s+–\s+1\.00x\s+–/);
    expect(text).not.toContain('replace');
    expect(text).not.toContain('chromium');
  });

  it('with two browsers, names the browser on every row and pairs ratios within a browser', () => {
    const text = formatTable([
      run('backdrop-blur', 30, 10),
      run('livekit-blur', 15, 40),
      { ...run('backdrop-blur', 24, 30), browser: 'firefox' },
      { ...run('livekit-blur', 6, 60), browser: 'firefox' },
    ]);
    const lines = text.split('\n');
    expect(lines[1]).toMatch(/^chromium backdrop-blur 1280x720\s+30\.0\s+30\.0/);
    expect(lines[3]).toMatch(/^firefox backdrop-blur 1280x720\s+30\.0\s+24\.0/);
    expect(lines.find((l) => l.startsWith('chromium Backdrop/LiveKit blur'))).toMatch(
      /1\.00x\s+2\.00x\s+0\.25x/,
    );
    expect(lines.find((l) => l.startsWith('firefox Backdrop/LiveKit blur'))).toMatch(
      /1\.00x\s+4\.00x\s+0\.50x/,
    );
  });
});

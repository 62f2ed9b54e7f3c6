import { describe, expect, it } from 'vitest';
import { formatSummary, percentile, ratios, type Sample, summarize } from './summary.js';

const sample = (build: string, scenario: Sample['scenario'], ms: number | null, fetch?: number): Sample => ({
  build,
  run: 0,
  scenario,
  ms,
  senderFirstFrameMs: ms === null ? null : ms - 100,
  phases: fetch === undefined ? null : { fetched: fetch, compiled: 10 },
  details: fetch === undefined ? null : { loadModel: fetch / 10 },
  sources: null,
});

describe('start bench summary', () => {
  it('nearest-rank percentiles', () => {
    expect(percentile([5, 1, 3, 2, 4], 50)).toBe(3);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([], 50)).toBeNull();
  });

  it('p50 and max per build and scenario; runs that never showed the effect are counted apart', () => {
    const s = summarize([
      sample('after', 'coldLoad', 1200, 300),
      sample('after', 'coldLoad', 1800, 500),
      sample('after', 'coldLoad', null),
      sample('after', 'warmLoad', 400, 5),
      sample('before', 'coldLoad', 55_000),
    ]);
    const cold = s.find((x) => x.build === 'after' && x.scenario === 'coldLoad')!;
    expect(cold).toMatchObject({ count: 3, failed: 1, p50: 1200, max: 1800, senderP50: 1100 });
    expect(cold.phasesP50).toEqual({ fetched: 300, compiled: 10 });
    expect(cold.detailsP50).toEqual({ loadModel: 30 });
    expect(formatSummary(s).join('\n')).toMatch(/steps p50 ms: loadModel 30\b/);
    expect(s.map((x) => `${x.build}:${x.scenario}`)).toEqual([
      'after:coldLoad',
      'after:warmLoad',
      'before:coldLoad',
    ]);
    expect(formatSummary(s).join('\n')).toMatch(/1 not seen within the deadline/);
    expect(cold).toMatchObject({ receivedP50: null, seenP50: null, downloadedP50: null });
    expect(formatSummary(s).join('\n')).not.toMatch(/downloaded/);
    expect(formatSummary(s).join('\n')).not.toMatch(/last packet in/);
    expect(ratios(s, 'before', 'after')).toEqual([
      'coldLoad: after/before p50 = 0.022 (55000 ms -> 1200 ms)',
      '  sender -> receivers: 1.000 (100 ms -> 100 ms)',
    ]);
  });

  it("the receivers' frame times: p50 over the runs that have them, printed beside the probe's", () => {
    const timed = (seen: number, presented: number | null, received: number | null): Sample => ({
      ...sample('after', 'rechoose', presented ?? seen),
      receivers: { presented, received, seen },
    });
    const [r] = summarize([
      timed(500, 420, 380),
      timed(700, 610, null),
      timed(600, null, 500),
      sample('after', 'rechoose', 900),
    ]);
    expect(r).toMatchObject({ p50: 600, receivedP50: 380, seenP50: 600 });
    expect(formatSummary([r!]).join('\n')).toMatch(
      /last packet in 380 ms, presented 600 ms, seen by the probe 600 ms/,
    );
  });

  it("the sender's downloaded bytes: p50 over the runs that measured them, in KiB", () => {
    const bytes = (n: number | null): Sample => ({
      ...sample('after', 'coldLoad', 1000),
      downloadedBytes: n,
    });
    const [b] = summarize([bytes(3 * 1024 * 1024), bytes(800 * 1024), bytes(null), bytes(790 * 1024)]);
    expect(b!.downloadedP50).toBe(800 * 1024);
    expect(formatSummary([b!]).join('\n')).toMatch(/sender downloaded 800 KiB p50/);
  });

  it('the legs after the camera: from its open (a page load) or the choice to the sender, then to the receivers', () => {
    const load = (build: string, camera: number | undefined, sender: number, ms: number): Sample => ({
      ...sample(build, 'coldLoad', ms),
      senderFirstFrameMs: sender,
      phases: camera === undefined ? { fetched: 1 } : { camera, fetched: 1 },
    });
    const s = summarize([
      load('before', 2000, 2800, 3600),
      load('before', 2400, 3000, 4000),
      load('before', undefined, 3000, 3900),
      load('after', 2600, 3000, 3700),
      { ...sample('after', 'rechoose', 500), senderFirstFrameMs: 80 },
    ]);
    const before = s.find((x) => x.build === 'before')!;
    // The run without its camera time has no first leg; every run has the second.
    expect(before.legsP50).toEqual({ cameraToSender: 600, senderToReceivers: 900 });
    expect(s.find((x) => x.scenario === 'rechoose')!.legsP50).toEqual({
      cameraToSender: 80,
      senderToReceivers: 420,
    });
    expect(formatSummary([before]).join('\n')).toMatch(
      /legs p50: camera open \(or the choice\) -> sender's first effected frame 600 ms, -> last receiver 900 ms/,
    );
    expect(ratios(s, 'before', 'after')).toEqual([
      'coldLoad: after/before p50 = 0.949 (3900 ms -> 3700 ms)',
      '  camera open -> sender: 0.667 (600 ms -> 400 ms)',
      '  sender -> receivers: 0.778 (900 ms -> 700 ms)',
    ]);
  });
});

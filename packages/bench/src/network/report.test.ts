import { describe, expect, it } from 'vitest';
import { formatReport, type NetChangeReport, summarize } from './report.js';

const REPORT: NetChangeReport = {
  joins: [
    { ms: 4000, localCandidates: ['relay', 'relay'] },
    { ms: 3000, localCandidates: ['relay', 'relay'] },
    { ms: 900, localCandidates: ['host', 'relay'] },
  ],
  changes: [
    {
      router: 'nat1',
      newAddress: '198.51.100.21',
      observer: 'Bob',
      ms: 3200,
      stalledFromMs: 40,
      movedSeesMs: 2800,
      seenState: 'back',
      leavesAnnounced: 0,
      tileMissingSamples: 0,
    },
    {
      router: 'nat2',
      newAddress: '198.51.100.22',
      observer: 'Alice',
      ms: null,
      stalledFromMs: 10,
      movedSeesMs: null,
      seenState: 'stalled',
      leavesAnnounced: 1,
      tileMissingSamples: 3,
    },
    {
      router: 'nat1',
      newAddress: '198.51.100.23',
      observer: 'Bob',
      ms: 5100,
      stalledFromMs: null,
      movedSeesMs: 4000,
      seenState: 'back',
      leavesAnnounced: 0,
      tileMissingSamples: 0,
    },
  ],
  conditions: { cores: 2 },
};

describe('summarize', () => {
  it('gives p50, min and max, and nothing for no samples', () => {
    expect(summarize([5, 1, 3])).toEqual({ count: 3, p50: 3, max: 5, min: 1 });
    expect(summarize([])).toBeNull();
  });
});

describe('formatReport', () => {
  const text = formatReport(REPORT);

  it('counts only joins relayed on every PeerConnection in the join time', () => {
    expect(text).toContain(
      'join time with TURN relay (page load -> first remote frame): p50 3000 ms, max 4000 ms',
    );
    expect(text).toContain('joins over relay on every PeerConnection: 2 of 3');
  });

  it('summarizes recovered changes and names the ones that did not come back', () => {
    expect(text).toContain('video advancing again at the other browser: p50 3200 ms, max 5100 ms');
    expect(text).toContain(
      'changes recovered: 2 of 3; leaves announced: 1; samples with the tile missing: 3',
    );
    expect(text).toContain('change 2: nat2 -> 198.51.100.22, seen by Alice: NOT BACK');
    expect(text).toContain(
      'the moved browser sees the other video advancing again: p50 2800 ms, max 4000 ms',
    );
    expect(text).toContain(
      'change 1: nat1 -> 198.51.100.21, seen by Bob: 3200 ms (frames stopped at 40 ms); the moved one sees the other: 2800 ms',
    );
    expect(text).toContain('  cores: 2');
  });
});

import { describe, expect, it } from 'vitest';
import { bump, type FuzzReport, formatReport, percentile } from './report.js';

const report: FuzzReport = {
  conditions: {
    seed: '7',
    sockets: 4,
    window: 8,
    target: 'test',
    limits: { MESSAGES_PER_SECOND: '100000' },
    cores: 2,
    cpu: 'cpu',
    node: 'v20',
  },
  mutations: 100,
  frames: 140,
  validFrames: 40,
  seconds: 2,
  framesPerSecond: 70,
  crashes: {
    serverExit: null,
    healthFailures: {},
    hangups: { 'close 1006': 1 },
    stalls: 0,
    janusRestarts: 0,
    total: 1,
  },
  errorsByCode: { bad_json: 3, bad_message: 9 },
  repliesByType: { joined: 2 },
  closesByCode: { '1007 invalidPayload': 1 },
  refusedUpgrades: {},
  malformedReplies: 0,
  families: { unicode: 5 },
  probeLatencyMs: { p50: 1, p99: 2, max: 3 },
  replyLatencyMs: { p50: 1, p99: 2, max: 3, over2s: 0 },
  healthLatencyMaxMs: 4,
  server: { before: { rssKiB: 1024, fds: 20 }, after: { rssKiB: 2048, fds: 21 } },
  janus: { before: null, after: null, restarts: 0 },
};

describe('report', () => {
  it('counts and takes percentiles', () => {
    const counts = {};
    bump(counts, 'a');
    bump(counts, 'a', 2);
    expect(counts).toEqual({ a: 3 });
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 99)).toBe(4);
    expect(percentile([], 50)).toBe(0);
  });

  it('prints the figures the issue asks for, largest counts first', () => {
    const text = formatReport(report);
    expect(text).toContain('100 mutations');
    expect(text).toContain('70 messages/s');
    expect(text).toContain('crashes: 1');
    expect(text).toContain('hang-ups: close 1006 1');
    expect(text).toContain('error replies by code: bad_message 9, bad_json 3');
    expect(text).toContain('RSS 1.0 -> 2.0 MiB, fds 20 -> 21');
    expect(text).toContain('seed 7, 4 sockets');
    expect(text).toContain('MESSAGES_PER_SECOND=100000');
  });
});

import { describe, expect, it } from 'vitest';
import {
  formatText,
  type LoadReport,
  renderHtml,
  type StepDetail,
  type StepJson,
  summarize,
  toJson,
} from './report.js';

const step = (o: Partial<StepJson>): StepJson => ({
  rooms: 1,
  participantsPerRoom: 2,
  video: true,
  receivedRatioMin: 1,
  lossPct: 0,
  joinMsP50: 300,
  joinMsP95: 400,
  packetsPerSecIn: 200,
  packetsPerSecOut: 200,
  janusCpuPct: 10,
  serverCpuPct: 1,
  memMB: 100,
  browserFps: 15,
  ...o,
});
const detail = (o: Partial<StepDetail>): StepDetail => ({
  phase: 'video',
  streamsForwarded: 4,
  streamsSilent: 0,
  botCpuPct: 20,
  browserFpsMin: 14,
  joinFailures: 0,
  loadAverage: 1,
  notes: [],
  ...o,
});

const report: LoadReport = {
  conditions: { machine: 'test', roomSize: 4 },
  steps: [
    step({}),
    step({ participantsPerRoom: 4, janusCpuPct: 30, serverCpuPct: 2, joinMsP95: 1200 }),
    step({ participantsPerRoom: 6, receivedRatioMin: 0.9 }),
    step({ video: false, participantsPerRoom: 8, browserFps: null }),
    step({ rooms: 3, participantsPerRoom: 4 }),
    // A window lifted by a backlog (more received than sent in it) is not a pass.
    step({ rooms: 4, participantsPerRoom: 4, receivedRatioMin: 1.237, lossPct: -39 }),
  ],
  details: [
    detail({}),
    detail({ streamsForwarded: 24 }),
    detail({ streamsForwarded: 60, stop: 'a bot received 90.0% < 95% of its packets' }),
    detail({ phase: 'audio', browserFpsMin: null }),
    detail({ phase: 'rooms' }),
    detail({ phase: 'rooms' }),
  ],
};

describe('load report', () => {
  it('writes steps in exactly the shape issue 12 asks for', () => {
    const json = toJson(report) as { steps: Record<string, unknown>[]; conditions: unknown };
    expect(Object.keys(json.steps[0]!)).toEqual([
      'rooms',
      'participantsPerRoom',
      'video',
      'receivedRatioMin',
      'lossPct',
      'joinMsP50',
      'joinMsP95',
      'packetsPerSecIn',
      'packetsPerSecOut',
      'janusCpuPct',
      'serverCpuPct',
      'memMB',
      'browserFps',
    ]);
    expect(json.steps[3]).toMatchObject({ video: false, browserFps: null });
    expect(json.conditions).toEqual(report.conditions);
  });

  it('summarizes the largest passing steps, CPU per stream and where join p95 passed 1 s', () => {
    expect(summarize(report)).toEqual({
      maxParticipantsVideo: 4,
      maxParticipantsAudio: 8,
      maxRooms: 3,
      cpuPctPerStream: Number((32 / 24).toFixed(3)),
      serverShareOfCpu: Number((2 / 32).toFixed(3)),
      joinP95Over1sAt: 4,
      // 20% of a core over 200 + 200 packets/s, shared by 4 bots
      botCpuUsPerPacket: 500,
      botCpuPctPerBot: 5,
    });
  });

  it('prints one line per step with the stop reason, and plots each phase', () => {
    const text = formatText(report);
    expect(text.split('\n').filter((l) => /^(video|audio|rooms) /.test(l))).toHaveLength(6);
    expect(text).toContain('STOP: a bot received 90.0%');
    const html = renderHtml(report);
    // 5 plots per phase, but the audio phase has no video for the browser to decode: no fps plot.
    expect(html.match(/<svg/g)?.length).toBe(14);
    expect(html).toContain('Rooms in parallel');
  });
});

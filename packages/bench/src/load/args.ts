// Command-line options of `npm run bench:load`, validated. Pure.
import { parseArgs } from 'node:util';
import type { Phase } from './ramp.js';

export interface LoadArgs {
  json: string | undefined;
  html: string;
  phases: Phase[];
  /** Measurement window of each step, seconds. */
  seconds: number;
  /** Wait after the joins (and the browser) before measuring, seconds. */
  settle: number;
  step: number;
  maxParticipants: number;
  maxRooms: number;
  roomSize: number;
  botProcesses: number;
  joinTimeoutMs: number;
  joinP95LimitMs: number;
  stepTimeoutS: number;
  maxMinutes: number;
  minRatio: number;
  /** Windows measured at one size before a failure stops the phase. */
  attempts: number;
  browser: boolean;
}

const USAGE = `usage: npm run bench:load -- [--json FILE] [--html FILE] [--phases video,audio,rooms] [--seconds 10]
  [--settle 3] [--step 2] [--max-participants 100] [--max-rooms 30] [--room-size 4] [--bot-processes 2]
  [--join-timeout-ms 20000] [--join-p95-limit-ms 5000] [--step-timeout-s 240] [--max-minutes 30]
  [--min-ratio 0.95] [--attempts 2] [--no-browser]`;

function int(name: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new Error(`--${name} must be an integer ${min}-${max}\n${USAGE}`);
  return n;
}

export function parseLoadArgs(argv: readonly string[]): LoadArgs {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      json: { type: 'string' },
      html: { type: 'string', default: 'bench-out/load/report.html' },
      phases: { type: 'string', default: 'video,audio,rooms' },
      seconds: { type: 'string', default: '10' },
      settle: { type: 'string', default: '3' },
      step: { type: 'string', default: '2' },
      'max-participants': { type: 'string', default: '100' },
      'max-rooms': { type: 'string', default: '30' },
      'room-size': { type: 'string', default: '4' },
      'bot-processes': { type: 'string', default: '2' },
      'join-timeout-ms': { type: 'string', default: '20000' },
      'join-p95-limit-ms': { type: 'string', default: '5000' },
      'step-timeout-s': { type: 'string', default: '240' },
      'max-minutes': { type: 'string', default: '30' },
      'min-ratio': { type: 'string', default: '0.95' },
      attempts: { type: 'string', default: '2' },
      'no-browser': { type: 'boolean', default: false },
    },
  });
  const phases = values.phases.split(',').map((p) => p.trim());
  for (const p of phases) {
    if (p !== 'video' && p !== 'audio' && p !== 'rooms') throw new Error(`unknown phase ${p}\n${USAGE}`);
  }
  const minRatio = Number(values['min-ratio']);
  if (!(minRatio > 0 && minRatio <= 1)) throw new Error(`--min-ratio must be in (0, 1]\n${USAGE}`);
  return {
    json: values.json,
    html: values.html,
    phases: phases as Phase[],
    seconds: int('seconds', values.seconds, 1, 600),
    settle: int('settle', values.settle, 0, 60),
    step: int('step', values.step, 1, 50),
    // The server refuses MAX_PARTICIPANTS_PER_ROOM above 100.
    maxParticipants: int('max-participants', values['max-participants'], 2, 100),
    maxRooms: int('max-rooms', values['max-rooms'], 1, 200),
    roomSize: int('room-size', values['room-size'], 2, 100),
    botProcesses: int('bot-processes', values['bot-processes'], 1, 16),
    joinTimeoutMs: int('join-timeout-ms', values['join-timeout-ms'], 1000, 300_000),
    joinP95LimitMs: int('join-p95-limit-ms', values['join-p95-limit-ms'], 100, 300_000),
    stepTimeoutS: int('step-timeout-s', values['step-timeout-s'], 10, 3600),
    maxMinutes: int('max-minutes', values['max-minutes'], 1, 600),
    minRatio,
    attempts: int('attempts', values.attempts, 1, 5),
    browser: !values['no-browser'],
  };
}

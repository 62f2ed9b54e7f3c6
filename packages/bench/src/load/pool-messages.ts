// Messages between the bench and its bot processes (Node IPC, both ends ours).
import type { BotCounts } from './bot.js';

export interface JoinOrder {
  wsUrl: string;
  room: string;
  name: string;
  video: boolean;
  timeoutMs: number;
}

export type ToWorker =
  | ({ op: 'join'; key: number } & JoinOrder)
  | { op: 'counts'; req: number }
  | { op: 'closeAll'; req: number };

export type FromWorker =
  | { op: 'ready'; packetsPerSecond: { audio: number; video: number } }
  | { op: 'joined'; key: number; ok: true; ms: number; participantId: string }
  | { op: 'joined'; key: number; ok: false; error: string }
  | { op: 'counts'; req: number; bots: BotCounts[]; errors: string[] }
  | { op: 'closed'; req: number };

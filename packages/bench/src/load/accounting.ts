// Received/expected packet accounting over a measurement window. Pure: the caller takes the snapshots.
import type { BotCounts } from './bot.js';
import type { MediaKind } from './player.js';

const KINDS: MediaKind[] = ['audio', 'video'];

export interface WindowFigures {
  /** Worst bot's distinct packets received / packets the other bots sent in the window; null if none expected. */
  receivedRatioMin: number | null;
  /** Packets lost over all bots: 100 × (1 − Σ received / Σ expected). */
  lossPct: number | null;
  /** Packets per second the bots sent to the SFU. */
  packetsPerSecIn: number;
  /** Packets per second the bots received from the SFU (distinct, from other bots). */
  packetsPerSecOut: number;
  /** Bot-to-bot streams (receiver, publisher, kind) the SFU should forward: expected > 0. */
  streamsForwarded: number;
  /** Bot-to-bot streams that delivered nothing in the window although the publisher sent. */
  streamsSilent: number;
  /** The stream with the lowest received/expected, to tell one broken stream from general starvation. */
  worstStream: { receiver: string; publisher: string; kind: MediaKind; ratio: number } | null;
}

/**
 * Figures of a window from the counts at its start and end. A bot expects, from each other bot of its room, what
 * that bot sent in the window; media from participants that are not bots (the probe browser) is left out. Bots absent
 * from `before` (joined during the window) count from zero.
 */
export function windowFigures(
  before: readonly BotCounts[],
  after: readonly BotCounts[],
  seconds: number,
): WindowFigures {
  if (!(seconds > 0)) throw new Error('window must last more than 0 s');
  const at = (list: readonly BotCounts[]) =>
    new Map(list.filter((b) => b.participantId).map((b) => [b.participantId!, b]));
  const start = at(before);
  const end = at(after);
  const sentDelta = new Map<string, Record<MediaKind, number>>();
  for (const [id, b] of end) {
    const s = start.get(id)?.sent ?? { audio: 0, video: 0 };
    sentDelta.set(id, { audio: b.sent.audio - s.audio, video: b.sent.video - s.video });
  }
  let worst: number | null = null;
  let expectedAll = 0;
  let receivedAll = 0;
  let sentAll = 0;
  let streams = 0;
  let silent = 0;
  let worstStream: WindowFigures['worstStream'] = null;
  for (const sent of sentDelta.values()) sentAll += sent.audio + sent.video;
  for (const [receiverId, receiver] of end) {
    let expected = 0;
    let received = 0;
    for (const [publisherId, sent] of sentDelta) {
      if (publisherId === receiverId || end.get(publisherId)!.room !== receiver.room) continue;
      for (const kind of KINDS) {
        if (sent[kind] <= 0) continue;
        const got =
          (receiver.received[publisherId]?.[kind] ?? 0) -
          (start.get(receiverId)?.received[publisherId]?.[kind] ?? 0);
        streams++;
        if (got <= 0) silent++;
        const ratio = Math.max(0, got) / sent[kind];
        if (!worstStream || ratio < worstStream.ratio)
          worstStream = { receiver: receiverId, publisher: publisherId, kind, ratio };
        expected += sent[kind];
        received += Math.max(0, got);
      }
    }
    expectedAll += expected;
    receivedAll += received;
    if (expected > 0) worst = Math.min(worst ?? Number.POSITIVE_INFINITY, received / expected);
  }
  return {
    receivedRatioMin: worst,
    lossPct: expectedAll > 0 ? 100 * (1 - receivedAll / expectedAll) : null,
    packetsPerSecIn: sentAll / seconds,
    packetsPerSecOut: receivedAll / seconds,
    streamsForwarded: streams,
    streamsSilent: silent,
    worstStream,
  };
}

/** The p-th percentile (nearest rank) of `values`; null when empty. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

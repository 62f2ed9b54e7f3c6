import type { SubscribedStream } from '@backdrop/protocol';

export interface TrackMove {
  mid: string;
  from: string | undefined;
  to: string | undefined;
}

/**
 * Given which participant each subscriber m-line (mid) carried before and the stream list of the new offer,
 * says which mids changed owner. The SFU recycles inactive m-lines for new feeds, so a mid can move from one
 * participant to another, or to nobody.
 */
export function planTrackMoves(
  before: ReadonlyMap<string, string>,
  streams: readonly SubscribedStream[],
): TrackMove[] {
  const after = new Map(streams.map((s) => [s.mid, s.participantId]));
  const mids = new Set([...before.keys(), ...after.keys()]);
  const moves: TrackMove[] = [];
  for (const mid of mids) {
    const from = before.get(mid);
    const to = after.get(mid);
    if (from !== to) moves.push({ mid, from, to });
  }
  return moves;
}

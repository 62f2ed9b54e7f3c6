import type { NodeReport } from './store.js';

export interface PlacementInput {
  /** Reports that have not expired. */
  nodes: readonly NodeReport[];
  /** The node deciding: it wins ties, so a room opens where its first join landed when loads are equal. */
  self: string;
  /** Nodes known to be unreachable although their report has not expired yet. */
  exclude?: ReadonlySet<string>;
}

/**
 * Where a new room goes: the live node with a working Janus carrying the fewest participants, then the fewest
 * rooms; ties go to `self`, then to the smallest id (every node decides the same). Undefined when no node can
 * take it. Pure.
 */
export function choosePlacement(input: PlacementInput): string | undefined {
  const candidates = input.nodes.filter((n) => n.janusUp && !input.exclude?.has(n.id));
  candidates.sort(
    (a, b) =>
      a.participants - b.participants ||
      a.rooms - b.rooms ||
      Number(b.id === input.self) - Number(a.id === input.self) ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  return candidates[0]?.id;
}

/** What a node does with a join for `room`. */
export type Route = { kind: 'local' } | { kind: 'redirect'; node: string };

/**
 * Whether a client that asked for node `via` (the load balancer's `?node=` routing) and landed on `self`
 * says `via` is unreachable: the balancer sends `?node=X` elsewhere only when X is down. Pure.
 */
export function suspectFromVia(via: string | undefined, self: string): string | undefined {
  return via !== undefined && via !== self ? via : undefined;
}

export interface ShareInput extends PlacementInput {
  /** Participants of the room on each node that hosts part of it (this node's own share included). */
  shares: ReadonlyMap<string, number>;
  /** ROOM_NODE_CAPACITY: participants of one room on one node. */
  capacity: number;
}

/**
 * Where a join goes in a room that may span several nodes: a live node that already hosts part of the room
 * and has a place left (`self` first, then the one holding most of the room, so it stays on as few nodes as it
 * can; ties to the smallest id); else a live node without part of it, by `choosePlacement` (least loaded).
 * Undefined when no node can take it. Pure.
 */
export function chooseShareNode(input: ShareInput): string | undefined {
  const live = input.nodes.filter((n) => n.janusUp && !input.exclude?.has(n.id));
  const holding = live
    .filter((n) => (input.shares.get(n.id) ?? Infinity) < input.capacity)
    .map((n) => ({ id: n.id, share: input.shares.get(n.id)! }));
  holding.sort(
    (a, b) =>
      Number(b.id === input.self) - Number(a.id === input.self) ||
      b.share - a.share ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  if (holding[0]) return holding[0].id;
  return choosePlacement({
    nodes: live.filter((n) => !input.shares.has(n.id)),
    self: input.self,
  });
}

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

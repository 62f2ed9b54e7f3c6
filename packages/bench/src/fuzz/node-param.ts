import { NODE_QUERY_PARAM } from '@backdrop/protocol';
import type { Rng } from './prng.js';

/**
 * Seeds for the signalling URL's `?node=` (cluster mode's routing hint, which comes back from clients): valid
 * ids, ids of nodes that do not exist, and malformed ones. A server must ignore the malformed ones and never
 * act on an unknown node beyond checking it.
 */
export const NODE_PARAM_SEEDS: readonly string[] = [
  'a',
  'b',
  'no-such-node',
  '',
  'A',
  '-a',
  'a b',
  'a\u0000',
  '../../etc/passwd',
  '\u202ea',
  'a'.repeat(33),
  'x'.repeat(4096),
  '%',
  '{"node":"a"}',
];

/** `wsUrl` with a `?node=` from the seeds half the time (repeated a tenth of that), else unchanged. */
export function withFuzzedNode(wsUrl: string, rng: Rng): string {
  if (!rng.chance(0.5)) return wsUrl;
  const url = new URL(wsUrl);
  url.searchParams.set(NODE_QUERY_PARAM, rng.pick(NODE_PARAM_SEEDS));
  if (rng.chance(0.1)) url.searchParams.append(NODE_QUERY_PARAM, rng.pick(NODE_PARAM_SEEDS));
  return url.toString();
}

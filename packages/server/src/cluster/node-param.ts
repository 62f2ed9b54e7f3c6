import { NODE_QUERY_PARAM, NodeId } from '@backdrop/protocol';

/**
 * The node a client asked the load balancer for, from the upgrade's request target (`/ws?node=b`): undefined
 * when absent, repeated, malformed or not a valid node id (a client's word, so checked like any input). Pure.
 */
export function requestedNode(target: string | undefined): string | undefined {
  if (!target || target.length > 2048) return undefined;
  let params: URLSearchParams;
  try {
    params = new URL(target, 'http://localhost').searchParams;
  } catch {
    return undefined;
  }
  const values = params.getAll(NODE_QUERY_PARAM);
  if (values.length !== 1) return undefined;
  const parsed = NodeId.safeParse(values[0]);
  return parsed.success ? parsed.data : undefined;
}

import * as z from 'zod';

/**
 * Cluster mode (issue 12 item 2): several servers share Redis; a room lives on one node, and a node that
 * gets a `join` for a room placed on another answers `redirect`. The client reconnects to the same URL with
 * `?node=<id>` (the load balancer routes it there) and repeats its join.
 */

/** A node id: 1-32 characters of a-z, 0-9 and `-`. It comes back from clients (`?node=`), so it is checked. */
export const NODE_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,31}$/;
export const NodeId = z.string().regex(NODE_ID_PATTERN, 'node ids are 1-32 characters of a-z, 0-9 and -');
export type NodeId = z.infer<typeof NodeId>;

/** The query parameter of the signalling URL that names the node a client wants (`/ws?node=<id>`). */
export const NODE_QUERY_PARAM = 'node';

/** Redirects a client follows for one join before it gives up with a clear error. */
export const MAX_REDIRECTS = 3;

/**
 * Reply to a `join` on a node that does not host the room: reconnect with `?node=<node>` and join again. The
 * server closes this socket right after.
 */
export const RedirectMessage = z.strictObject({
  type: z.literal('redirect'),
  replyTo: z.union([z.string(), z.number()]).optional(),
  node: NodeId,
});
export type RedirectMessage = z.infer<typeof RedirectMessage>;

export const CLUSTER_SERVER_MESSAGES = [RedirectMessage] as const;

export const CLUSTER_ERROR_CODES = [
  /** Cluster mode: the shared store (Redis) cannot be reached, and this room is not on this node. Retry. */
  'cluster_unavailable',
] as const;

import { MAX_REDIRECTS, NODE_QUERY_PARAM } from '@backdrop/protocol';
import { BackdropError } from './errors.js';

/**
 * Cluster mode: the server answered a `join` with `redirect` (the room lives on another node). Rejected by the
 * request it answers; followRedirects turns it into a new socket to that node.
 */
export class RedirectedError extends BackdropError {
  constructor(readonly node: string) {
    super('protocol_error', `the room is on node ${node}`);
    this.name = 'RedirectedError';
  }
}

/** `url` with `?node=<node>` set (replacing any earlier one): the load balancer routes it to that node. Pure. */
export function withNode(url: string, node: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set(NODE_QUERY_PARAM, node);
  return parsed.toString();
}

export interface RedirectOptions<C extends { close(): void }, T> {
  /** Where to connect first (the last node we were sent to, or the configured URL). */
  url: string;
  open(url: string): Promise<C>;
  /** The request on a fresh socket (`join`, or `resume` then `join`); rejects with RedirectedError to move. */
  exchange(channel: C): Promise<T>;
  /** Redirects followed at most; one more is a `connection_failed` error. */
  max?: number;
}

/**
 * Opens a socket and runs `exchange`; each `redirect` closes that socket and starts again at the named node,
 * at most `max` times. Resolves with the socket, the result and the URL that worked (reconnects reuse it).
 */
export async function followRedirects<C extends { close(): void }, T>(
  options: RedirectOptions<C, T>,
): Promise<{ channel: C; result: T; url: string; redirects: number }> {
  const max = options.max ?? MAX_REDIRECTS;
  let url = options.url;
  for (let redirects = 0; ; redirects++) {
    const channel = await options.open(url);
    try {
      return { channel, result: await options.exchange(channel), url, redirects };
    } catch (error) {
      channel.close();
      if (!(error instanceof RedirectedError)) throw error;
      if (redirects >= max) {
        throw new BackdropError(
          'connection_failed',
          `the servers sent this join on ${redirects + 1} times (last to node ${error.node}); try again`,
          { cause: error },
        );
      }
      url = withNode(url, error.node);
    }
  }
}

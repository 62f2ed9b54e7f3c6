/** One Backdrop node behind the load balancer. */
export interface BalancedNode {
  id: string;
  port: number;
}

export interface HaproxyConfigOptions {
  /** Where the load balancer listens (`127.0.0.1`). */
  host: string;
  port: number;
  nodes: readonly BalancedNode[];
}

/**
 * haproxy's configuration for a cluster on one machine (pure): `?node=<id>` goes to that node while its health
 * check passes, anything else (or a node that is down) round-robin to the live ones. Checks on /healthz every
 * 500 ms, down after 2 failures, so a killed node stops getting clients within about a second. WebSocket
 * upgrades pass through (`timeout tunnel`).
 */
export function haproxyConfig(options: HaproxyConfigOptions): string {
  const server = (n: BalancedNode) =>
    `  server ${n.id} 127.0.0.1:${n.port} check inter 500 fastinter 250 downinter 500 fall 2 rise 2`;
  const lines = [
    'global',
    '  maxconn 4096',
    'defaults',
    '  mode http',
    '  timeout connect 1s',
    '  timeout client 60s',
    '  timeout server 60s',
    '  timeout tunnel 1h',
    '  timeout check 500ms',
    '  retries 2',
    '  option redispatch 1',
    '  option forwardfor',
    '  option httpchk GET /healthz',
    'frontend fe',
    `  bind ${options.host}:${options.port}`,
    ...options.nodes.map(
      (n) => `  use_backend node_${n.id} if { urlp(node) -m str ${n.id} } { nbsrv(node_${n.id}) gt 0 }`,
    ),
    '  default_backend all',
    ...options.nodes.flatMap((n) => [`backend node_${n.id}`, server(n)]),
    'backend all',
    '  balance roundrobin',
    ...options.nodes.map(server),
    '',
  ];
  return lines.join('\n');
}

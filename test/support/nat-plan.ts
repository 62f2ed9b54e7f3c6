// The NAT topology as data: namespace names, addresses and the `ip`/`iptables` commands that build it. Pure (no
// I/O), so the names, the firewall rule and the address changes are unit-tested without root.
//
//   c1 192.168.1.2 -- lan 192.168.1.1 [nat1] wan 198.51.100.11 --+
//                                                                  +-- br0 198.51.100.1 [srv]
//   c2 192.168.2.2 -- lan 192.168.2.1 [nat2] wan 198.51.100.12 --+
//
// Interface names live inside their own namespaces (veth ends are created there directly), so only namespace
// names (global: /run/netns) carry the per-run prefix.

export type Router = 'nat1' | 'nat2';
export type Client = 'c1' | 'c2';
export type Node = 'srv' | Router | Client;

export const NODES: readonly Node[] = ['srv', 'nat1', 'nat2', 'c1', 'c2'];
export const PUBLIC_NET = '198.51.100';
export const SERVER_IP = `${PUBLIC_NET}.1`;
const PREFIX_LEN = 24;

/** Namespace names of one run start with this, then the pid: `bdnat<pid>-srv`. */
export const NAMESPACE_PREFIX = 'bdnat';

export interface NatPlanOptions {
  /** Unique per run (the pid): two runs on one machine never share a namespace. */
  runId: number;
  /** The one UDP port clients may send to on the server (TURN). */
  turnPort: number;
}

export interface NatPlan {
  namespaces: Record<Node, string>;
  serverIp: string;
  routerPublicIp: Record<Router, string>;
  clientIp: Record<Client, string>;
  /** Commands (argv, run in order) that build the topology. */
  build: string[][];
}

const index = (router: Router) => (router === 'nat1' ? 1 : 2);

export function namespaceName(runId: number, node: Node): string {
  return `${NAMESPACE_PREFIX}${runId}-${node}`;
}

/** The pid in a namespace name of ours, or undefined for anybody else's namespace. */
export function runIdOf(namespace: string): number | undefined {
  const match = new RegExp(`^${NAMESPACE_PREFIX}(\\d+)-(?:${NODES.join('|')})$`).exec(namespace);
  return match ? Number(match[1]) : undefined;
}

/**
 * The public address a router gets at its `change`-th network change (0: its first address). nat1 takes odd and
 * nat2 even host numbers from .21 up, so no address ever comes back and no two routers share one.
 */
export function routerAddress(router: Router, change: number): string {
  if (!Number.isInteger(change) || change < 0) throw new RangeError(`change must be >= 0, got ${change}`);
  if (change === 0) return `${PUBLIC_NET}.${10 + index(router)}`;
  const host = 18 + index(router) + 2 * change;
  if (host > 254) throw new RangeError(`no public address left for ${router} at change ${change}`);
  return `${PUBLIC_NET}.${host}`;
}

/** Runs `argv` inside namespace `ns`. */
function inNs(ns: string, argv: string[]): string[] {
  return ['ip', 'netns', 'exec', ns, ...argv];
}

export function natPlan(options: NatPlanOptions): NatPlan {
  const { runId, turnPort } = options;
  if (!Number.isInteger(turnPort) || turnPort < 1 || turnPort > 65535)
    throw new RangeError(`turnPort must be 1-65535, got ${turnPort}`);
  const ns = Object.fromEntries(NODES.map((n) => [n, namespaceName(runId, n)])) as Record<Node, string>;
  const build: string[][] = [];
  for (const node of NODES) {
    build.push(['ip', 'netns', 'add', ns[node]]);
    build.push(['ip', '-n', ns[node], 'link', 'set', 'lo', 'up']);
  }
  // The "internet": one bridge in srv, each router's wan port plugged into it.
  build.push(['ip', '-n', ns.srv, 'link', 'add', 'br0', 'type', 'bridge']);
  build.push(['ip', '-n', ns.srv, 'addr', 'add', `${SERVER_IP}/${PREFIX_LEN}`, 'dev', 'br0']);
  build.push(['ip', '-n', ns.srv, 'link', 'set', 'br0', 'up']);
  for (const router of ['nat1', 'nat2'] as const) {
    const i = index(router);
    const client: Client = `c${i}` as Client;
    const port = `p${i}`;
    build.push([
      'ip',
      'link',
      'add',
      port,
      'netns',
      ns.srv,
      'type',
      'veth',
      'peer',
      'name',
      'wan',
      'netns',
      ns[router],
    ]);
    build.push(['ip', '-n', ns.srv, 'link', 'set', port, 'master', 'br0']);
    build.push(['ip', '-n', ns.srv, 'link', 'set', port, 'up']);
    build.push([
      'ip',
      '-n',
      ns[router],
      'addr',
      'add',
      `${routerAddress(router, 0)}/${PREFIX_LEN}`,
      'dev',
      'wan',
    ]);
    build.push(['ip', '-n', ns[router], 'link', 'set', 'wan', 'up']);
    build.push(['ip', '-n', ns[router], 'route', 'add', 'default', 'via', SERVER_IP]);
    build.push([
      'ip',
      'link',
      'add',
      'lan',
      'netns',
      ns[router],
      'type',
      'veth',
      'peer',
      'name',
      'eth0',
      'netns',
      ns[client],
    ]);
    build.push(['ip', '-n', ns[router], 'addr', 'add', `192.168.${i}.1/24`, 'dev', 'lan']);
    build.push(['ip', '-n', ns[router], 'link', 'set', 'lan', 'up']);
    build.push(['ip', '-n', ns[client], 'addr', 'add', `192.168.${i}.2/24`, 'dev', 'eth0']);
    build.push(['ip', '-n', ns[client], 'link', 'set', 'eth0', 'up']);
    build.push(['ip', '-n', ns[client], 'route', 'add', 'default', 'via', `192.168.${i}.1`]);
    build.push(inNs(ns[router], ['sysctl', '-qw', 'net.ipv4.ip_forward=1']));
    build.push(
      inNs(ns[router], ['iptables', '-t', 'nat', '-A', 'POSTROUTING', '-o', 'wan', '-j', 'MASQUERADE']),
    );
    // UDP from the private side to the server is dropped unless it goes to TURN: media must be relayed.
    build.push(
      inNs(ns[router], [
        'iptables',
        '-A',
        'FORWARD',
        '-i',
        'lan',
        '-p',
        'udp',
        '-d',
        SERVER_IP,
        '!',
        '--dport',
        String(turnPort),
        '-j',
        'DROP',
      ]),
    );
  }
  return {
    namespaces: ns,
    serverIp: SERVER_IP,
    routerPublicIp: { nat1: routerAddress('nat1', 0), nat2: routerAddress('nat2', 0) },
    clientIp: { c1: '192.168.1.2', c2: '192.168.2.2' },
    build,
  };
}

/**
 * Moves a router to a new public address, as a phone moving from Wi-Fi to mobile: the old address goes (the
 * kernel drops every masqueraded flow through it), the new one comes, and the default route is put back.
 */
export function addressChange(plan: NatPlan, router: Router, from: string, to: string): string[][] {
  const ns = plan.namespaces[router];
  return [
    ['ip', '-n', ns, 'addr', 'del', `${from}/${PREFIX_LEN}`, 'dev', 'wan'],
    ['ip', '-n', ns, 'addr', 'add', `${to}/${PREFIX_LEN}`, 'dev', 'wan'],
    ['ip', '-n', ns, 'route', 'replace', 'default', 'via', plan.serverIp],
  ];
}

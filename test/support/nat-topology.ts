// Builds the small internet of nat-plan.ts out of `ip netns`, veth pairs and iptables (root; inside
// scripts/netns.sh's `unshare -n` as anywhere else, since named namespaces live in /run/netns), and tears it down
// on every path: after a failed build, on close(), and from a process 'exit' hook if a test run ends without
// close(). Namespaces left by a run that was killed (its pid gone) are removed by the next build.
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import {
  addressChange,
  type Client,
  type NatPlan,
  NODES,
  type Node,
  natPlan,
  type Router,
  routerAddress,
  runIdOf,
} from './nat-plan.js';

const run = promisify(execFile);

export interface NatTopology {
  readonly plan: NatPlan;
  /** The namespace of a node, for `ip netns exec`. */
  ns(node: Node): string;
  /** A router's current public address. */
  publicAddress(router: Router): string;
  /** Gives `router` a new public address (never used before); returns it and the time it took. */
  changePublicAddress(router: Router): Promise<{ address: string; ms: number }>;
  /** Runs a command inside a node's namespace; rejects on a non-zero exit. */
  exec(node: Node, argv: string[], timeoutMs?: number): Promise<{ stdout: string; stderr: string }>;
  /** Removes every namespace (and with them every veth and iptables rule). Idempotent. */
  close(): Promise<void>;
}

async function sh(argv: string[], timeoutMs = 10_000): Promise<{ stdout: string; stderr: string }> {
  try {
    return await run(argv[0]!, argv.slice(1), { timeout: timeoutMs });
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`${argv.join(' ')} failed: ${e.stderr?.trim() || e.message}`, { cause: error });
  }
}

function listNamespaces(): string[] {
  const out = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((line) => line.split(' ')[0]!)
    .filter(Boolean);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Synchronous, so it can run from an 'exit' hook. Deletes those of `names` that still exist. */
function deleteNamespaces(names: readonly string[]): string[] {
  const present = new Set(listNamespaces());
  const failures: string[] = [];
  for (const name of names) {
    if (!present.has(name)) continue;
    try {
      execFileSync('ip', ['netns', 'del', name], { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (error) {
      failures.push(`${name}: ${String((error as { stderr?: Buffer }).stderr ?? error).trim()}`);
    }
  }
  return failures;
}

/** Namespaces of earlier runs whose process is gone (killed before its cleanup ran). */
function sweepStale(): void {
  const stale = listNamespaces().filter((name) => {
    const id = runIdOf(name);
    return id !== undefined && id !== process.pid && !pidAlive(id);
  });
  deleteNamespaces(stale);
}

/**
 * Builds the topology for this process (one per process at a time: names carry the pid). `turnPort` is the only
 * UDP port on the server that clients can reach.
 */
export async function buildNatTopology(options: { turnPort: number }): Promise<NatTopology> {
  if (process.getuid?.() !== 0) throw new Error('the NAT topology needs root (ip netns, iptables)');
  sweepStale();
  const plan = natPlan({ runId: process.pid, turnPort: options.turnPort });
  const names = NODES.map((node) => plan.namespaces[node]);
  const leftover = names.filter((name) => listNamespaces().includes(name));
  if (leftover.length > 0) throw new Error(`namespaces already exist: ${leftover.join(', ')}`);

  let closed = false;
  const onExit = () => {
    if (!closed) deleteNamespaces(names);
  };
  process.on('exit', onExit);
  const close = async () => {
    if (closed) return;
    closed = true;
    process.off('exit', onExit);
    const failures = deleteNamespaces(names);
    if (failures.length > 0) throw new Error(`could not remove namespaces: ${failures.join('; ')}`);
  };

  try {
    for (const argv of plan.build) await sh(argv);
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }

  const changes: Record<Router, number> = { nat1: 0, nat2: 0 };
  return {
    plan,
    ns: (node) => plan.namespaces[node],
    publicAddress: (router) => routerAddress(router, changes[router]),
    async changePublicAddress(router) {
      if (closed) throw new Error('the NAT topology is closed');
      const from = routerAddress(router, changes[router]);
      const to = routerAddress(router, changes[router] + 1);
      const started = performance.now();
      for (const argv of addressChange(plan, router, from, to)) await sh(argv);
      changes[router]++;
      return { address: to, ms: performance.now() - started };
    },
    exec: (node, argv, timeoutMs) => sh(['ip', 'netns', 'exec', plan.namespaces[node], ...argv], timeoutMs),
    close,
  };
}

export type { Client, Node, Router };

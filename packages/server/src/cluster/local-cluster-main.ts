// `npm run cluster`: Redis, two Backdrop nodes and haproxy on this machine (see local-cluster.ts).
import { startLocalCluster } from './local-cluster.js';

const port = Number(process.env.PORT ?? 8080);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write('backdrop cluster: PORT must be 0-65535\n');
  process.exit(2);
}
const verbose = process.env.CLUSTER_LOGS === 'all';
const cluster = await startLocalCluster({
  port,
  onLine: (who, line) => {
    // Node logs are pino JSON: warnings and errors always, the rest with CLUSTER_LOGS=all.
    const level = /"level":(\d+)/.exec(line)?.[1];
    if (verbose || who === 'haproxy' || (level !== undefined && Number(level) >= 40))
      process.stdout.write(`[${who}] ${line}\n`);
  },
});
process.stdout.write(
  `\nBackdrop cluster: open ${cluster.url}/\n  redis ${cluster.redisUrl}\n${cluster.nodes
    .map((n) => `  node ${n.id} ${n.url} (pid ${n.process.child.pid})`)
    .join('\n')}\nCtrl-C stops everything.\n`,
);
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  process.stdout.write('stopping the cluster...\n');
  void cluster.stop().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

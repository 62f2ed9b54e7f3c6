// Reachability checks across the NAT topology without ping: an HTTP(S) request with curl, and UDP datagrams
// from a client to listeners of our own in the server's namespace (what arrives, and from which address).
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Client, NatTopology } from './nat-topology.js';

/** `curl` from a client; resolves to the HTTP status (0 when nothing answered). */
export async function curlStatus(topology: NatTopology, from: Client, url: string): Promise<number> {
  try {
    const { stdout } = await topology.exec(
      from,
      ['curl', '-sk', '-m', '5', '-o', '/dev/null', '-w', '%{http_code}', url],
      10_000,
    );
    return Number(stdout.trim());
  } catch {
    return 0;
  }
}

const LISTENER = `
const dgram = require('node:dgram');
const ports = process.argv.slice(1).map(Number);
let ready = 0;
for (const port of ports) {
  const s = dgram.createSocket('udp4');
  s.on('message', (_m, rinfo) => console.log('got ' + port + ' ' + rinfo.address));
  s.bind(port, process.env.BIND_IP, () => { if (++ready === ports.length) console.log('ready'); });
}`;

const SENDER = `
const dgram = require('node:dgram');
const [host, ...ports] = process.argv.slice(1);
const s = dgram.createSocket('udp4');
let left = ports.length * 5;
for (let i = 0; i < 5; i++) for (const p of ports) s.send('probe', Number(p), host, () => { if (--left === 0) s.close(); });`;

/**
 * Sends five datagrams from `from` to each of `ports` on the server's address, with our own listeners bound
 * there (so the ports must be free), and reports for each port the source addresses that arrived (empty:
 * blocked).
 */
export async function udpArrivals(
  topology: NatTopology,
  from: Client,
  ports: number[],
): Promise<Map<number, string[]>> {
  const serverIp = topology.plan.serverIp;
  const listener = spawn(
    'ip',
    ['netns', 'exec', topology.ns('srv'), process.execPath, '-e', LISTENER, ...ports.map(String)],
    { env: { ...process.env, BIND_IP: serverIp }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const arrivals = new Map<number, string[]>(ports.map((p) => [p, []]));
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('UDP listener did not start')), 10_000);
      listener.once('exit', (code) => reject(new Error(`UDP listener exited with ${code}`)));
      createInterface({ input: listener.stdout! }).on('line', (line) => {
        if (line === 'ready') {
          clearTimeout(timer);
          resolve();
        }
        const match = /^got (\d+) (\S+)$/.exec(line);
        if (match) arrivals.get(Number(match[1]))?.push(match[2]!);
      });
    });
    await topology.exec(from, [process.execPath, '-e', SENDER, serverIp, ...ports.map(String)]);
    // Datagrams cross three namespaces on one host: a second is plenty for any that get through.
    await new Promise((r) => setTimeout(r, 1000));
    return arrivals;
  } finally {
    listener.kill('SIGKILL');
  }
}

// `npm run fuzz`: structure-aware fuzzing of the signalling protocol. Starts the built server (and so its own
// Janus) inside the loopback-only namespace with its abuse limits raised, so what is exercised is the parsers
// and handlers, not the rate limits; or fuzzes an already running server with --server-url.
// Flags: --count N (100000) --sockets N (16) --seed S (random, printed) --window N (8) --server-url URL
//        --server-pid PID --max-seconds N (900) --json FILE
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { startTestServer } from '../../../../test/support/server.js';
import { formatReport } from './report.js';
import { FUZZ_LIMITS, runFuzz } from './runner.js';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '100000' },
    sockets: { type: 'string', default: '16' },
    seed: { type: 'string' },
    window: { type: 'string', default: '8' },
    'server-url': { type: 'string' },
    'server-pid': { type: 'string' },
    'max-seconds': { type: 'string', default: '900' },
    json: { type: 'string' },
    'server-log': { type: 'string' },
  },
});

function positive(name: string, text: string | undefined): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1)
    throw new Error(`--${name} must be a positive whole number, not ${text}`);
  return n;
}

/** Server log lines at warn and above, grouped by logger, message and the start of the error. */
function summarizeLogs(lines: readonly string[]): string {
  const groups: Record<string, number> = {};
  for (const line of lines) {
    const level = Number(/"level":(\d+)/.exec(line)?.[1] ?? 0);
    if (level < 40) continue;
    let key = line.slice(0, 120);
    try {
      const entry = JSON.parse(line) as { name?: string; msg?: string; err?: { message?: string } };
      key = `${entry.name ?? 'server'}: ${entry.msg ?? ''}${entry.err?.message ? ` (${entry.err.message.slice(0, 50)})` : ''}`;
    } catch {
      // not JSON: Janus output passed through
    }
    groups[key] = (groups[key] ?? 0) + 1;
  }
  const entries = Object.entries(groups).sort((a, b) => b[1] - a[1]);
  const total = entries.reduce((sum, [, n]) => sum + n, 0);
  return [
    `server log lines at warn or above: ${total}`,
    ...entries.slice(0, 12).map(([key, n]) => `  ${n} x ${key}`),
  ].join('\n');
}

const count = positive('count', values.count);
const sockets = positive('sockets', values.sockets);
const window = positive('window', values.window);
const maxSeconds = positive('max-seconds', values['max-seconds']);
const seed = values.seed ?? String(Date.now() % 1_000_000_000);

const server = values['server-url']
  ? undefined
  : await startTestServer({ LOG_LEVEL: 'info', ...FUZZ_LIMITS });
const httpUrl =
  values['server-url']?.replace(/\/+$/, '').replace(/\/ws$/, '').replace(/^ws/, 'http') ?? server!.url;
const wsUrl = `${httpUrl.replace(/^http/, 'ws')}/ws`;
const serverPid =
  server?.process.pid ?? (values['server-pid'] ? positive('server-pid', values['server-pid']) : undefined);
console.log(`fuzzing ${wsUrl} with ${count} mutations over ${sockets} sockets, seed ${seed}`);
let lastPrint = 0;
try {
  const report = await runFuzz({
    wsUrl,
    httpUrl,
    count,
    sockets,
    seed,
    window,
    maxSeconds,
    ...(serverPid === undefined ? {} : { serverPid }),
    limits: server ? FUZZ_LIMITS : {},
    target: server
      ? 'server started by the fuzzer (own Janus, loopback-only network namespace, LOG_LEVEL=info)'
      : `running server at ${httpUrl}`,
    ...(server
      ? {
          serverExit: new Promise<string>((resolve) =>
            server.process.once('exit', (code, signal) => resolve(`code ${code} signal ${signal}`)),
          ),
        }
      : {}),
    onProgress: (done) => {
      if (done - lastPrint >= 10_000) {
        lastPrint = done - (done % 10_000);
        console.log(`  ${done} mutations sent`);
      }
    },
  });
  console.log(formatReport(report));
  if (server) {
    console.log(summarizeLogs(server.logs));
    if (values['server-log']) await writeFile(values['server-log'], `${server.logs.join('\n')}\n`);
  }
  if (values.json) await writeFile(values.json, `${JSON.stringify(report, null, 2)}\n`);
  process.exitCode = report.crashes.total === 0 ? 0 : 1;
} finally {
  await server?.stop();
}

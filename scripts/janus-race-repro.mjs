// Reproduces Janus 1.1.2's VideoRoom destroy/detach race directly on the Janus our server starts.
// Usage (root, after `npm run build`): scripts/netns.sh node scripts/janus-race-repro.mjs [order] [rounds] [publishers]
//   order: destroy-then-detach (the racy one) | detach-with-destroy | detach-then-destroy | leave-then-destroy-with-detach
// Prints how many rounds ran before Janus died (its pid changed or its socket closed), or that it survived.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import WebSocket from 'ws';

const [order = 'destroy-then-detach', roundsArg = '200', publishersArg = '8'] = process.argv.slice(2);
const ROUNDS = Number(roundsArg);
const PUBLISHERS = Number(publishersArg);
const root = join(import.meta.dirname, '..');

const server = spawn(process.execPath, [join(root, 'packages/server/dist/main.js')], {
  env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
await new Promise((resolve) => {
  createInterface({ input: server.stdout }).on('line', (line) => {
    if (line.includes('backdrop listening')) resolve();
  });
  setTimeout(resolve, 15_000).unref();
});
const janusPid = () => {
  try {
    return Number(
      execFileSync('pgrep', ['-P', String(server.pid), '-x', 'janus'], { encoding: 'utf8' }).trim(),
    );
  } catch {
    return undefined;
  }
};
const pid = janusPid();
const dir = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[2];
const jcfg = readFileSync(join(dir, 'janus.jcfg'), 'utf8');
const apiSecret = /api_secret = "([^"]*)"/.exec(jcfg)[1];
const adminKey = /admin_key = "([^"]*)"/.exec(
  readFileSync(join(dir, 'janus.plugin.videoroom.jcfg'), 'utf8'),
)?.[1];
const wsPort = /ws_port = (\d+)/.exec(readFileSync(join(dir, 'janus.transport.websockets.jcfg'), 'utf8'))[1];

const ws = new WebSocket(`ws://127.0.0.1:${wsPort}`, 'janus-protocol');
await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
let lost = false;
ws.on('close', () => {
  lost = true;
});
const pending = new Map();
ws.on('message', (data) => {
  const m = JSON.parse(data.toString());
  const p = m.transaction && pending.get(m.transaction);
  if (!p || m.janus === 'ack') return;
  pending.delete(m.transaction);
  p(m);
});
let session;
/** Sends a request; resolves with its reply (or undefined after 3 s). */
function send(body) {
  const transaction = randomBytes(6).toString('hex');
  return new Promise((resolve) => {
    pending.set(transaction, resolve);
    setTimeout(() => resolve(undefined), 3_000).unref();
    ws.send(JSON.stringify({ ...body, transaction, apisecret: apiSecret, session_id: session }));
  });
}
session = (await send({ janus: 'create' })).data.id;
const keepalive = setInterval(() => send({ janus: 'keepalive' }), 10_000);
const attach = async () => (await send({ janus: 'attach', plugin: 'janus.plugin.videoroom' })).data.id;
const control = await attach();

let round = 0;
for (; round < ROUNDS && !lost && janusPid() === pid; round++) {
  const room = 1 + Math.floor(Math.random() * 2 ** 40);
  await send({
    janus: 'message',
    handle_id: control,
    body: { request: 'create', room, admin_key: adminKey, publishers: 32 },
  });
  const handles = await Promise.all(Array.from({ length: PUBLISHERS }, attach));
  await Promise.all(
    handles.map((h, i) =>
      send({
        janus: 'message',
        handle_id: h,
        body: { request: 'join', ptype: 'publisher', room, id: i + 1 },
      }),
    ),
  );
  const destroy = () => send({ janus: 'message', handle_id: control, body: { request: 'destroy', room } });
  const detachAll = () => Promise.all(handles.map((h) => send({ janus: 'detach', handle_id: h })));
  const leaveAll = () =>
    Promise.all(handles.map((h) => send({ janus: 'message', handle_id: h, body: { request: 'leave' } })));
  if (order === 'destroy-then-detach') await Promise.all([destroy(), detachAll()]);
  else if (order === 'detach-then-destroy') {
    await detachAll();
    await destroy();
  } else if (order === 'detach-with-destroy') {
    // Our server's old order when the last one leaves: detaches sent, the destroy right behind them.
    await Promise.all([detachAll(), destroy()]);
  } else if (order === 'leave-then-destroy-with-detach') {
    // Every publisher has left the room (answered) before the destroy, which then races only with detaches.
    await leaveAll();
    await Promise.all([destroy(), detachAll()]);
  } else throw new Error(`unknown order ${order}`);
}
await new Promise((r) => setTimeout(r, 500));
const died = lost || janusPid() !== pid;
console.log(
  `${order}: ${died ? `JANUS DIED after ${round} rounds` : `janus survived ${round} rounds`} (${PUBLISHERS} publishers a room)`,
);
clearInterval(keepalive);
ws.terminate();
server.kill('SIGTERM');
process.exitCode = died ? 1 : 0;

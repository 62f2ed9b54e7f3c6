// Our own coturn (TURN=on), started and supervised by packages/server/src/turn, asked by a real TURN client what
// it allows. Runs inside scripts/netns.sh: 127.0.0.1 is "our Janus", every other loopback or private address must
// be refused as a relay peer.
import { execFileSync, spawn } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../packages/server/src/config/load.js';
import { createLogger } from '../packages/server/src/logger.js';
import { startTurn, type Turn } from '../packages/server/src/turn/turn.js';
import { alive } from './support/process.js';
import { ROOT } from './support/server.js';
import { TurnTestClient } from './support/turn-client.js';

const TURN_PORT = 3478;
const JANUS_PORT = 30_000; // inside the default JANUS_RTP_PORT_RANGE 20000-40000
const env = {
  TURN: 'on',
  TURN_HOST: '127.0.0.1',
  TURN_PORT: String(TURN_PORT),
  TURN_LISTENING_IPS: '127.0.0.1',
  TURN_RELAY_IPS: '127.0.0.1',
  TURN_RELAY_PORT_RANGE: '49152-49252',
  TURN_CREDENTIAL_TTL_S: '600',
  JANUS_ICE_ENFORCE_LIST: '127.0.0.1',
};

/** A UDP socket that sends every datagram back, standing in for a media server port. */
async function echo(address: string, port: number): Promise<{ socket: Socket; received: number }> {
  const socket = createSocket('udp4');
  const state = { socket, received: 0 };
  socket.on('message', (data, from) => {
    state.received++;
    socket.send(data, from.port, from.address);
  });
  await new Promise<void>((resolve) => socket.bind(port, address, resolve));
  return state;
}

async function waitFor<T>(get: () => T | undefined, ms: number): Promise<T | undefined> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const value = get();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 10));
  }
  return undefined;
}

async function procUsage(pid: number): Promise<{ rssKiB: number; fds: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
  return { rssKiB, fds: (await readdir(`/proc/${pid}/fd`)).length };
}

function uidOf(pid: number): number {
  return Number(/Uid:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
}

describe('our coturn (TURN=on)', () => {
  let turn: Turn;
  let clock = Date.now();
  const echoes: Awaited<ReturnType<typeof echo>>[] = [];

  beforeAll(async () => {
    const started = Date.now();
    const maybe = await startTurn(loadConfig(env, []), createLogger('error'), { now: () => clock });
    if (!maybe) throw new Error('TURN=on started nothing');
    turn = maybe;
    console.log(`[turn] coturn up (listening on ${TURN_PORT}) in ${Date.now() - started} ms`);
  });

  afterAll(async () => {
    await turn?.stop();
    for (const e of echoes) e.socket.close();
  });

  function credentials(participantId: string): { username: string; credential: string } {
    clock = Date.now();
    const [server] = turn.iceServersFor(participantId);
    expect(server!.urls).toEqual([
      `turn:127.0.0.1:${TURN_PORT}?transport=udp`,
      `turn:127.0.0.1:${TURN_PORT}?transport=tcp`,
    ]);
    return server!;
  }

  it('allocates a relay with the credentials it hands out, over UDP and TCP', async () => {
    const { username, credential } = credentials('alice');
    for (const transport of ['udp', 'tcp'] as const) {
      const client = await TurnTestClient.connect(transport, '127.0.0.1', TURN_PORT);
      const started = performance.now();
      const result = await client.allocate(username, credential);
      console.log(
        `[turn] allocate over ${transport}: ${JSON.stringify(result)} in ${(performance.now() - started).toFixed(1)} ms`,
      );
      expect(result.ok).toBe(true);
      expect(result.relayed?.address).toBe('127.0.0.1');
      expect(result.relayed!.port).toBeGreaterThanOrEqual(49152);
      expect(result.relayed!.port).toBeLessThanOrEqual(49252);
      await client.close();
    }
  });

  it('runs coturn as the unprivileged turnserver user', async () => {
    const pid = turn.process!.pid!;
    const uid = async () => uidOf(pid);
    const passwd = await readFile('/etc/passwd', 'utf8');
    const expected = Number(/^turnserver:[^:]*:(\d+):/m.exec(passwd)?.[1]);
    console.log(`[turn] coturn ${pid} runs as uid ${await uid()} (turnserver is ${expected})`);
    expect(await uid()).toBe(expected);
  });

  it('refuses a wrong password and an expired username', async () => {
    const { username, credential } = credentials('bob');
    const wrong = await TurnTestClient.connect('udp', '127.0.0.1', TURN_PORT);
    const wrongResult = await wrong.allocate(username, `${credential.slice(0, -4)}AAA=`);
    await wrong.close();

    // Credentials signed with the right secret, but whose expiry (now + 600 s, issued 660 s ago) passed a minute
    // ago. Not 1 s ago: coturn reads a clock it updates about once a second, and a fresh-clone CI run once let a
    // username 1 s past its expiry through.
    clock = Date.now() - 660_000;
    const [old] = turn.iceServersFor('bob');
    const expired = await TurnTestClient.connect('udp', '127.0.0.1', TURN_PORT);
    const expiredResult = await expired.allocate(old!.username, old!.credential);
    await expired.close();

    console.log(
      `[turn] wrong password: ${JSON.stringify(wrongResult)}; expired username: ${JSON.stringify(expiredResult)}`,
    );
    expect(wrongResult).toMatchObject({ ok: false, errorCode: 401 });
    expect(expiredResult).toMatchObject({ ok: false, errorCode: 401 });
  });

  it('relays to our Janus address and refuses loopback and private peers', async () => {
    const janus = await echo('127.0.0.1', JANUS_PORT);
    const otherLoopback = await echo('127.0.0.2', JANUS_PORT);
    const outsideRtpRange = await echo('127.0.0.1', 45_000);
    echoes.push(janus, otherLoopback, outsideRtpRange);
    const { username, credential } = credentials('carol');
    const client = await TurnTestClient.connect('udp', '127.0.0.1', TURN_PORT);
    expect((await client.allocate(username, credential)).ok).toBe(true);

    const allowed = await client.createPermission('127.0.0.1');
    expect(allowed.ok).toBe(true);
    const rtts: number[] = [];
    for (let i = 0; i < 20; i++) {
      const sent = performance.now();
      client.send('127.0.0.1', JANUS_PORT, Buffer.from(`rtp ${i}`));
      const back = await waitFor(() => client.received.find((r) => r.data.toString() === `rtp ${i}`), 1000);
      expect(back?.from).toEqual({ address: '127.0.0.1', port: JANUS_PORT });
      rtts.push(back!.at - sent);
    }
    rtts.sort((a, b) => a - b);
    console.log(
      `[turn] relayed to Janus 127.0.0.1:${JANUS_PORT}: 20/20 echoed, rtt p50 ${rtts[10]!.toFixed(2)} ms, max ${rtts[19]!.toFixed(2)} ms`,
    );

    const denied = [
      '127.0.0.2',
      '127.255.255.254',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.10',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.1',
    ];
    const refusals: Record<string, number | undefined> = {};
    for (const peer of denied) refusals[peer] = (await client.createPermission(peer)).errorCode;
    console.log(`[turn] CreatePermission refusals: ${JSON.stringify(refusals)}`);
    for (const peer of denied) expect(refusals[peer], peer).toBe(403);

    // Without a permission, a Send indication to a refused address is dropped, never delivered.
    client.send('127.0.0.2', JANUS_PORT, Buffer.from('probe'));
    await new Promise((r) => setTimeout(r, 300));
    expect(otherLoopback.received).toBe(0);

    // coturn filters peers by address only: any UDP port on an allowed address is reachable. Measured, not
    // asserted, so the report can say it (see packages/server/src/turn/coturn-config.ts).
    client.send('127.0.0.1', 45_000, Buffer.from('outside'));
    const outside = await waitFor(() => client.received.find((r) => r.data.toString() === 'outside'), 500);
    console.log(
      `[turn] a port outside Janus's RTP range on the allowed address (127.0.0.1:45000) reached: ${outside !== undefined}`,
    );
    await client.close();
  });

  it('restarts coturn after a crash, and the credentials handed out still work', async () => {
    const { username, credential } = credentials('dave');
    const coturn = turn.process!;
    const pid = coturn.pid!;
    const before = await procUsage(pid);
    const ready = new Promise<void>((resolve) => coturn.once('ready', resolve));
    const killed = Date.now();
    process.kill(pid, 'SIGKILL');
    await ready;
    const restartMs = Date.now() - killed;
    const client = await TurnTestClient.connect('udp', '127.0.0.1', TURN_PORT);
    const result = await client.allocate(username, credential);
    await client.close();
    const after = await procUsage(coturn.pid!);
    console.log(
      `[turn] SIGKILL to coturn ${pid}: new coturn ${coturn.pid} ready in ${restartMs} ms; allocate ${result.ok ? 'ok' : JSON.stringify(result)}; coturn RSS ${before.rssKiB} -> ${after.rssKiB} KiB, fds ${before.fds} -> ${after.fds}`,
    );
    expect(coturn.pid).not.toBe(pid);
    expect(restartMs).toBeLessThan(5000);
    expect(result.ok).toBe(true);
  });

  it('coturn (on port 478 here) does not outlive the server process, even one killed with SIGKILL', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/support/turn-child.ts')], {
      cwd: ROOT,
      env: { ...process.env, ...env, TURN_PORT: '478', TURN_RELAY_PORT_RANGE: '49300-49350' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d.toString();
    });
    const coturnPid = await waitFor(() => {
      const match = /coturn-pid (\d+)/.exec(out);
      return match ? Number(match[1]) : undefined;
    }, 20_000);
    expect(coturnPid).toBeGreaterThan(0);
    expect(alive(coturnPid!)).toBe(true);
    // A credential change after PR_SET_PDEATHSIG would clear it: coturn must already be its own user, here
    // with the capability to bind a port below 1024.
    expect(uidOf(coturnPid!)).not.toBe(0);
    // A SIGKILLed server cannot remove coturn's temp dir; the test does.
    const configDir = /-c\0(\/tmp\/backdrop-coturn-[^/]+)\//.exec(
      readFileSync(`/proc/${coturnPid}/cmdline`, 'utf8'),
    )?.[1];
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const killed = Date.now();
    child.kill('SIGKILL');
    await exited;
    const gone = await waitFor(() => (alive(coturnPid!) ? undefined : true), 5000);
    console.log(
      `[turn] server SIGKILLed: its coturn ${coturnPid} gone after ${Date.now() - killed} ms: ${gone === true}`,
    );
    expect(gone).toBe(true);
    if (configDir) await rm(configDir, { recursive: true, force: true });
    expect(configDir).toBeDefined();
  });

  it('kills a coturn that does not listen within the start-up timeout', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'turn-e2e-'));
    const fake = join(dir, 'turnserver');
    // Stands in for a coturn that hangs before it listens: it records its pid and sleeps.
    await writeFile(fake, `#!/bin/sh\necho $$ > ${dir}/pid\nexec sleep 30\n`, { mode: 0o755 });
    await chmod(dir, 0o777); // the fake runs as the turnserver user
    const coturnDirs = async () =>
      (await readdir(tmpdir())).filter((name) => name.startsWith('backdrop-coturn-'));
    const dirsBefore = await coturnDirs();
    const started = Date.now();
    const error = await startTurn(
      loadConfig({ ...env, TURN_PORT: '3678', TURN_BIN: fake }, []),
      createLogger('silent'),
      { startTimeoutMs: 1000 },
    ).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    const pid = Number(await readFile(join(dir, 'pid'), 'utf8'));
    const gone = await waitFor(() => (alive(pid) ? undefined : true), 2000);
    console.log(
      `[turn] hanging coturn: start failed after ${Date.now() - started} ms (${error?.message}); killed: ${gone === true}`,
    );
    await rm(dir, { recursive: true, force: true });
    expect(error?.message).toMatch(/did not open 127.0.0.1:3678 in time/);
    expect(gone).toBe(true);
    expect(await coturnDirs()).toEqual(dirsBefore);
  });

  it('serves TURNS with TLS_CERT and TLS_KEY (root-only key files)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'turn-e2e-tls-'));
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    execFileSync(
      'openssl',
      [
        ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'],
        ...['-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1'],
      ],
      { stdio: 'ignore' },
    );
    await chmod(key, 0o600);
    const tlsTurn = await startTurn(
      loadConfig(
        {
          ...env,
          TURN_PORT: '3778',
          TURN_TLS_PORT: '5349',
          TURN_RELAY_PORT_RANGE: '49400-49450',
          TLS_CERT: cert,
          TLS_KEY: key,
        },
        [],
      ),
      createLogger('error'),
    );
    try {
      const [server] = tlsTurn!.iceServersFor('erin');
      expect(server!.urls).toContain('turns:127.0.0.1:5349?transport=tcp');
      const client = await TurnTestClient.connect('tls', '127.0.0.1', 5349);
      const started = performance.now();
      const result = await client.allocate(server!.username, server!.credential);
      console.log(
        `[turn] allocate over TLS (5349): ${JSON.stringify(result)} in ${(performance.now() - started).toFixed(1)} ms`,
      );
      await client.close();
      expect(result.ok).toBe(true);
    } finally {
      await tlsTurn?.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

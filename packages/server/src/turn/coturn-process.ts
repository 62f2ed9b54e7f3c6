import { chown, copyFile, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../logger.js';
import { ChildSupervisor } from '../support/child-supervisor.js';
import { type CoturnConfigOptions, renderCoturnConfig } from './coturn-config.js';

export interface CoturnProcessOptions extends Omit<CoturnConfigOptions, 'dir'> {
  bin: string;
  /** A start that has not opened the TURN port by then is killed. */
  startTimeoutMs: number;
  logger: Logger;
}

/**
 * Debian's coturn package creates a `turnserver` user. When we run as root, coturn runs as that user from its
 * first instruction (a coturn bug must not hand out root). It must not switch by itself (`proc-user`): a
 * credential change clears the parent-death signal, and coturn would outlive us.
 */
async function unprivilegedUser(): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const passwd = await readFile('/etc/passwd', 'utf8').catch(() => '');
  const match = /^turnserver:[^:]*:(\d+):(\d+):/m.exec(passwd);
  return match ? { uid: Number(match[1]), gid: Number(match[2]) } : undefined;
}

interface Prepared {
  configFile: string;
  user: { uid: number; gid: number } | undefined;
  /** coturn must bind a port below 1024. */
  lowPorts: boolean;
}

/** setpriv: become `user` (able to bind ports below 1024 if asked), then die with us, then exec coturn. */
export function setprivArgs(options: {
  user: { uid: number; gid: number } | undefined;
  lowPorts: boolean;
  command: string[];
}): string[] {
  const { user } = options;
  return [
    ...(user ? [`--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups'] : []),
    ...(user && options.lowPorts ? ['--inh-caps=+net_bind_service', '--ambient-caps=+net_bind_service'] : []),
    // After the uid change, so the kernel keeps it: coturn is SIGKILLed when we die, however we die.
    '--pdeathsig',
    'SIGKILL',
    '--',
    ...options.command,
  ];
}

/** Where to probe that coturn listens: loopback when it listens everywhere, else its first listening address. */
function probeAddress(listeningIps: readonly string[]): string {
  if (listeningIps.length === 0) return '127.0.0.1';
  return listeningIps.find((ip) => ip === '127.0.0.1' || ip === '::1') ?? listeningIps[0]!;
}

/**
 * Owns one coturn child process (support/child-supervisor): writes its generated turnserver.conf to a private
 * temp dir, starts it (as the `turnserver` user when we are root; it dies with us: `setpriv --pdeathsig SIGKILL`),
 * restarts it with back-off when it dies, and stops it. The secret is the caller's and stays the same across
 * restarts, so credentials already handed out keep working.
 */
export class CoturnProcess extends ChildSupervisor<void> {
  constructor(options: CoturnProcessOptions) {
    const { logger, bin, startTimeoutMs, ...configOptions } = options;
    super({
      name: 'coturn',
      logger,
      startTimeoutMs,
      warnLine: /ERROR|WARNING|cannot|failed/i,
      prepare: async (dir) => {
        const { configFile, user, lowPorts } = await prepareCoturn(dir, configOptions);
        return {
          // setpriv execs coturn in place, so the child's pid is coturn's.
          command: ['setpriv', ...setprivArgs({ user, lowPorts, command: [bin, '-c', configFile] })],
          probe: { host: probeAddress(configOptions.listeningIps), port: configOptions.port },
          result: undefined,
        };
      },
    });
  }
}

/** Writes turnserver.conf (and private copies of the certificate) into `dir`, owned by coturn's user. */
async function prepareCoturn(
  dir: string,
  configOptions: Omit<CoturnConfigOptions, 'dir'>,
): Promise<Prepared> {
  const configFile = join(dir, 'turnserver.conf');
  const user = await unprivilegedUser();
  // coturn reads its certificate as its own user: private copies, gone with the directory.
  let tls = configOptions.tls;
  if (tls) {
    const certFile = join(dir, 'cert.pem');
    const keyFile = join(dir, 'key.pem');
    await copyFile(tls.certFile, certFile);
    await copyFile(tls.keyFile, keyFile);
    tls = { ...tls, certFile, keyFile };
  }
  await writeFile(configFile, renderCoturnConfig({ ...configOptions, tls, dir }), { mode: 0o600 });
  if (user) for (const name of await readdir(dir)) await chown(join(dir, name), user.uid, user.gid);
  if (user) await chown(dir, user.uid, user.gid);
  const lowPorts = configOptions.port < 1024 || (tls !== undefined && tls.port < 1024);
  return { configFile, user, lowPorts };
}

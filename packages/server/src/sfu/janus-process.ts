import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../logger.js';
import { ChildSupervisor, type Launch } from '../support/child-supervisor.js';
import { freePort } from '../support/tcp.js';
import { JANUS_PLUGINS, JANUS_TRANSPORTS, renderJanusConfig } from './janus-config.js';

export const JANUS_LIB_DIR = '/usr/lib/x86_64-linux-gnu/janus';

/** Links the only Janus modules we load (VideoRoom, WebSocket transport) from the Debian package into `dir`. */
export async function linkJanusModules(dir: string): Promise<void> {
  for (const [folder, files] of [
    ['plugins', JANUS_PLUGINS],
    ['transports', JANUS_TRANSPORTS],
    ['events', []],
    ['loggers', []],
  ] as const) {
    await mkdir(join(dir, folder));
    for (const file of files) await symlink(join(JANUS_LIB_DIR, folder, file), join(dir, folder, file));
  }
}

export interface JanusProcessOptions {
  bin: string;
  wsPort: number;
  rtpPortRange: string;
  iceEnforceList: string | undefined;
  iceIgnoreList: string;
  debugLevel: number;
  logger: Logger;
  /** Janus's `session_timeout`, in seconds (60 if unset). */
  sessionTimeoutS?: number;
  /** A Janus that has not opened its port this long after spawning is killed, and the start fails. */
  startTimeoutMs?: number;
  /** PUBLIC_IP: Janus's `nat_1_1_mapping`. */
  natMapping?: readonly string[] | undefined;
  /** JANUS_STUN_SERVER: Janus's `stun_server` and `stun_port`. */
  stunServer?: { host: string; port: number } | undefined;
}

/**
 * `setpriv --pdeathsig SIGKILL` makes the kernel kill Janus when our process dies, even by SIGKILL, when no
 * 'exit' handler runs. setpriv execs Janus, so the child's pid is Janus's.
 */
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((path) => existsSync(path));

/** Where to reach a running Janus and the credentials it was started with. */
export interface JanusEndpoint {
  url: string;
  apiSecret: string;
  adminKey: string;
}

/**
 * Owns one Janus child process: generates its config (VideoRoom + WebSocket transport on 127.0.0.1, fresh random
 * secrets per start), starts it, restarts it with back-off when it dies, and stops it (support/child-supervisor).
 * Events: `crashed` (every session it had is gone; it is being restarted) and `ready` (a (re)started Janus
 * accepts connections, at this endpoint).
 */
export class JanusProcess extends ChildSupervisor<JanusEndpoint> {
  constructor(options: JanusProcessOptions) {
    super({
      name: 'janus',
      logger: options.logger,
      startTimeoutMs: options.startTimeoutMs ?? 15_000,
      warnLine: /\[ERR\]|FATAL|error/i,
      prepare: (dir) => prepareJanus(dir, options),
    });
  }

  /** Where the running Janus is reached, if one is running. */
  get endpoint(): JanusEndpoint | undefined {
    return this.current;
  }
}

/** Writes a fresh config with new secrets into `dir`; the command runs Janus on it. */
async function prepareJanus(dir: string, options: JanusProcessOptions): Promise<Launch<JanusEndpoint>> {
  await linkJanusModules(dir);
  const wsPort = options.wsPort || (await freePort());
  const secrets = { apiSecret: randomBytes(24).toString('hex'), adminKey: randomBytes(24).toString('hex') };
  const files = renderJanusConfig({
    dir,
    ...secrets,
    adminSecret: randomBytes(24).toString('hex'),
    wsPort,
    rtpPortRange: options.rtpPortRange,
    iceEnforceList: options.iceEnforceList,
    iceIgnoreList: options.iceIgnoreList,
    debugLevel: options.debugLevel,
    natMapping: options.natMapping,
    stunServer: options.stunServer,
    ...(options.sessionTimeoutS === undefined ? {} : { sessionTimeoutS: options.sessionTimeoutS }),
  });
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text, { mode: 0o600 });
  const janusArgs = [options.bin, '-F', dir, '-C', join(dir, 'janus.jcfg'), '-o'];
  return {
    command: SETPRIV ? [SETPRIV, '--pdeathsig', 'SIGKILL', '--', ...janusArgs] : janusArgs,
    probe: { host: '127.0.0.1', port: wsPort },
    result: { url: `ws://127.0.0.1:${wsPort}`, ...secrets },
  };
}

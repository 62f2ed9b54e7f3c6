import { isIP } from 'node:net';
import { ConfigError } from '../config/load.js';
import type { Config } from '../config/schema.js';
import type { OriginPolicy } from './origin.js';
import { loadTlsCredentials, type TlsCredentials } from './tls.js';

/** How the web server faces users: TLS or not, who may open the signalling socket, what to call itself. */
export interface WebSettings {
  tls: TlsCredentials | undefined;
  originPolicy: OriginPolicy;
  hsts: boolean;
  /** PUBLIC_URL, if set: the address in links and logs. */
  publicUrl: string | undefined;
}

/** Checks the rules that span settings, without touching the files; throws a ConfigError naming them. */
export function checkWebSettings(config: Config): void {
  const problems: string[] = [];
  if (Boolean(config.tlsCert) !== Boolean(config.tlsKey))
    problems.push('TLS_CERT and TLS_KEY: give both PEM files or neither');
  if (config.tlsCert && config.publicUrl?.startsWith('http:'))
    problems.push(
      `PUBLIC_URL (${config.publicUrl}): this server serves HTTPS (TLS_CERT), so pages load from https://`,
    );
  if (problems.length > 0) throw new ConfigError(problems);
}

/** Checks the settings and reads the certificate (once: a renewed certificate needs a restart). */
export async function loadWebSettings(config: Config): Promise<WebSettings> {
  checkWebSettings(config);
  const tls =
    config.tlsCert && config.tlsKey ? await loadTlsCredentials(config.tlsCert, config.tlsKey) : undefined;
  return {
    tls,
    originPolicy: config.publicUrl
      ? { kind: 'public', origin: config.publicUrl }
      : { kind: 'same-host', hostNames: [config.host] },
    hsts: Boolean(tls) || Boolean(config.publicUrl?.startsWith('https:')),
    publicUrl: config.publicUrl,
  };
}

/**
 * Why browsers will refuse the camera, if they will: getUserMedia needs a secure context, which plain http is
 * only on loopback. Undefined when users get https (directly or through PUBLIC_URL) or the server is local.
 */
export function insecureContextWarning(config: Config, tls: boolean): string | undefined {
  if (tls || config.publicUrl?.startsWith('https:')) return undefined;
  const name = config.publicUrl ? new URL(config.publicUrl).hostname : config.host;
  const bare = name.replace(/^\[(.*)\]$/, '$1');
  if (bare === 'localhost' || bare === '::1' || (isIP(bare) === 4 && bare.startsWith('127.')))
    return undefined;
  return `browsers refuse the camera on http://${name} (not a secure context): set TLS_CERT and TLS_KEY, or run behind an HTTPS proxy with PUBLIC_URL=https://...`;
}

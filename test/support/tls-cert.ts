import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

export interface SelfSignedCert {
  dir: string;
  certFile: string;
  keyFile: string;
  /** The certificate, to trust as its own CA in Node clients. */
  cert: Buffer;
  remove(): Promise<void>;
}

/**
 * A self-signed EC certificate from Debian's `openssl`, valid for `names` (DNS names) and `ips`, in a fresh
 * temp dir. The key is written 0600, as a real one would be.
 */
export async function selfSignedCert(
  names: string[],
  ips: string[] = ['127.0.0.1'],
): Promise<SelfSignedCert> {
  const dir = await mkdtemp(join(tmpdir(), 'backdrop-tls-'));
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  const san = [...names.map((n) => `DNS:${n}`), ...ips.map((ip) => `IP:${ip}`)].join(',');
  await promisify(execFile)('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-days',
    '2',
    '-subj',
    `/CN=${names[0] ?? ips[0]}`,
    '-addext',
    `subjectAltName=${san}`,
    '-keyout',
    keyFile,
    '-out',
    certFile,
  ]);
  return {
    dir,
    certFile,
    keyFile,
    cert: await readFile(certFile),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SelfSignedCert, selfSignedCert } from '../../../../test/support/tls-cert.js';
import { ConfigError } from '../config/load.js';
import { loadTlsCredentials } from './tls.js';

let cert: SelfSignedCert;
const file = (name: string) => join(cert.dir, name);

beforeAll(async () => {
  cert = await selfSignedCert(['localhost'], []);
  const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  writeFileSync(file('other-key.pem'), other.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(file('garbage.pem'), 'not a pem\n');
});

afterAll(() => cert.remove());

async function problems(cert: string, key: string): Promise<string> {
  try {
    await loadTlsCredentials(file(cert), file(key));
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems.join('\n');
  }
  throw new Error('expected a ConfigError');
}

describe('loadTlsCredentials', () => {
  it('reads a matching certificate and key', async () => {
    const tls = await loadTlsCredentials(file('cert.pem'), file('key.pem'));
    expect(tls.cert.toString()).toContain('BEGIN CERTIFICATE');
    expect(tls.subject).toBe('CN=localhost');
    expect(tls.validTo.getTime()).toBeGreaterThan(Date.now());
  });

  it('names a missing file', async () => {
    expect(await problems('missing.pem', 'key.pem')).toMatch(
      /^TLS_CERT \(.*missing\.pem\): cannot read it \(ENOENT\)$/,
    );
  });

  it('names files that are not PEM', async () => {
    const text = await problems('garbage.pem', 'garbage.pem');
    expect(text).toMatch(/TLS_CERT .*not a PEM certificate/);
    expect(text).toMatch(/TLS_KEY .*not a PEM private key/);
  });

  it('refuses a key that does not belong to the certificate', async () => {
    expect(await problems('cert.pem', 'other-key.pem')).toMatch(/TLS_KEY .*does not match the certificate/);
  });

  it('refuses the two files swapped', async () => {
    const text = await problems('key.pem', 'cert.pem');
    expect(text).toMatch(/TLS_CERT .*not a PEM certificate/);
  });
});

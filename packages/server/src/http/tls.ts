import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { ConfigError } from '../config/load.js';

/** A certificate chain and its key, read once at start (a renewed certificate needs a restart). */
export interface TlsCredentials {
  cert: Buffer;
  key: Buffer;
  /** The leaf certificate's subject and expiry, for the start-up log. */
  subject: string;
  validTo: Date;
}

async function readPem(setting: string, path: string, problems: string[]): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    problems.push(`${setting} (${path}): cannot read it (${code})`);
    return undefined;
  }
}

function parsed<T>(parse: () => T): T | undefined {
  try {
    return parse();
  } catch {
    return undefined;
  }
}

/**
 * Reads TLS_CERT and TLS_KEY and checks them: both given, both PEM, the key matching the first (leaf)
 * certificate. Throws a ConfigError naming the setting at fault, so a typo stops the start with one clear line
 * instead of a TLS error on the first connection.
 */
export async function loadTlsCredentials(certFile: string, keyFile: string): Promise<TlsCredentials> {
  const problems: string[] = [];
  const cert = await readPem('TLS_CERT', certFile, problems);
  const key = await readPem('TLS_KEY', keyFile, problems);
  if (!cert || !key) throw new ConfigError(problems);

  const leaf = parsed(() => new X509Certificate(cert));
  if (!leaf) problems.push(`TLS_CERT (${certFile}): not a PEM certificate`);
  const privateKey: KeyObject | undefined = parsed(() => createPrivateKey(key));
  if (!privateKey) problems.push(`TLS_KEY (${keyFile}): not a PEM private key (or it is encrypted)`);
  if (leaf && privateKey && !leaf.checkPrivateKey(privateKey))
    problems.push(`TLS_KEY (${keyFile}): does not match the certificate in TLS_CERT (${certFile})`);
  if (problems.length > 0 || !leaf) throw new ConfigError(problems);
  return { cert, key, subject: leaf.subject.replace(/\n/g, ', '), validTo: new Date(leaf.validTo) };
}

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Random bytes in a token: base64url makes 43 characters of them, what the protocol's ResumeToken accepts. */
const TOKEN_BYTES = 32;

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/**
 * Resume tokens, one live token per holder (a participant): issuing a new one revokes the previous, and a token
 * is taken (used up) by the first `take`. Only SHA-256 digests are kept, so a heap dump or a timing probe on the
 * map tells nothing about a live token, and the final comparison is constant-time.
 */
export class ResumeTokens<T> {
  private readonly byDigest = new Map<string, { digest: Buffer; holder: T }>();
  private readonly byHolder = new Map<T, string>();

  /** Live tokens (for tests and metrics). */
  get size(): number {
    return this.byDigest.size;
  }

  /** A fresh token for `holder`; its previous one, if any, stops working. */
  issue(holder: T): string {
    this.revoke(holder);
    const token = randomBytes(TOKEN_BYTES).toString('base64url');
    const hashed = digest(token);
    const key = hashed.toString('hex');
    this.byDigest.set(key, { digest: hashed, holder });
    this.byHolder.set(holder, key);
    return token;
  }

  /** The holder of a live token, which is used up by this; undefined for any other string. */
  take(token: string): T | undefined {
    const hashed = digest(token);
    const key = hashed.toString('hex');
    const entry = this.byDigest.get(key);
    if (!entry || !timingSafeEqual(entry.digest, hashed)) return undefined;
    this.revoke(entry.holder);
    return entry.holder;
  }

  /** The holder's token stops working (it left, or its window ran out). Idempotent. */
  revoke(holder: T): void {
    const key = this.byHolder.get(holder);
    if (key === undefined) return;
    this.byHolder.delete(holder);
    this.byDigest.delete(key);
  }
}

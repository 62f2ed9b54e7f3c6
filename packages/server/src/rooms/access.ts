import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * A room's access rules: its host key, its password and its lock. Only digests of the key and the password
 * are kept (a heap dump shows neither), and comparisons are constant-time. Nothing here logs a secret.
 */

/** How many random bytes a host key has: base64url makes 43 characters of them, what HostKey accepts. */
const HOST_KEY_BYTES = 32;
const SALT_BYTES = 16;

function digestOf(salt: Buffer, secret: string): Buffer {
  return createHash('sha256').update(salt).update(secret, 'utf8').digest();
}

/** One secret kept as a salted digest. */
class Secret {
  private readonly salt = randomBytes(SALT_BYTES);
  private readonly digest: Buffer;

  constructor(value: string) {
    this.digest = digestOf(this.salt, value);
  }

  matches(value: string): boolean {
    return timingSafeEqual(this.digest, digestOf(this.salt, value));
  }
}

export type PasswordCheck = 'ok' | 'required' | 'wrong';

export class RoomAccess {
  /** Shown only to hosts, in `hostKey`; `/r/<room>?host=<key>` joins as a host. Lives as long as the room. */
  readonly hostKey: string;
  private readonly hostSecret: Secret;
  private password: Secret | undefined;
  private _locked = false;

  constructor(password?: string) {
    this.hostKey = randomBytes(HOST_KEY_BYTES).toString('base64url');
    this.hostSecret = new Secret(this.hostKey);
    if (password !== undefined) this.password = new Secret(password);
  }

  get locked(): boolean {
    return this._locked;
  }

  get passwordSet(): boolean {
    return this.password !== undefined;
  }

  /** Returns whether it changed. */
  setLocked(locked: boolean): boolean {
    if (this._locked === locked) return false;
    this._locked = locked;
    return true;
  }

  setPassword(password: string | null): void {
    this.password = password === null ? undefined : new Secret(password);
  }

  isHostKey(key: string | undefined): boolean {
    return key !== undefined && this.hostSecret.matches(key);
  }

  checkPassword(given: string | undefined): PasswordCheck {
    if (!this.password) return 'ok';
    if (given === undefined) return 'required';
    return this.password.matches(given) ? 'ok' : 'wrong';
  }
}

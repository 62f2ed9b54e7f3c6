import { HostKey } from '@backdrop/protocol';
import { describe, expect, it } from 'vitest';
import { RoomAccess } from './access.js';

describe('RoomAccess', () => {
  it('makes an unguessable host key per room, in the protocol form, and knows only its own', () => {
    const a = new RoomAccess();
    const b = new RoomAccess();
    expect(HostKey.safeParse(a.hostKey).success).toBe(true);
    expect(a.hostKey).not.toBe(b.hostKey);
    expect(a.isHostKey(a.hostKey)).toBe(true);
    expect(a.isHostKey(b.hostKey)).toBe(false);
    expect(a.isHostKey(undefined)).toBe(false);
    expect(a.isHostKey(`${a.hostKey.slice(0, -1)}${a.hostKey.endsWith('A') ? 'B' : 'A'}`)).toBe(false);
  });

  it('checks a password: none set lets anyone in; set, a missing one is required and a wrong one refused', () => {
    const open = new RoomAccess();
    expect(open.passwordSet).toBe(false);
    expect(open.checkPassword(undefined)).toBe('ok');
    expect(open.checkPassword('anything')).toBe('ok');
    const closed = new RoomAccess('s3cret');
    expect(closed.passwordSet).toBe(true);
    expect(closed.checkPassword(undefined)).toBe('required');
    expect(closed.checkPassword('S3cret')).toBe('wrong');
    expect(closed.checkPassword('s3cret')).toBe('ok');
    closed.setPassword('other');
    expect(closed.checkPassword('s3cret')).toBe('wrong');
    closed.setPassword(null);
    expect(closed.checkPassword(undefined)).toBe('ok');
  });

  it('keeps no secret in the clear but the host key it must show hosts', () => {
    const access = new RoomAccess('hunter2-password');
    expect(JSON.stringify(access)).not.toContain('hunter2-password');
  });

  it('tells whether a lock change changed anything', () => {
    const access = new RoomAccess();
    expect(access.locked).toBe(false);
    expect(access.setLocked(true)).toBe(true);
    expect(access.setLocked(true)).toBe(false);
    expect(access.locked).toBe(true);
  });
});

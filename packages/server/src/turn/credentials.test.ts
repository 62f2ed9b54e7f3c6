import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { coturnUrls, iceServersFor, turnCredential } from './credentials.js';

describe('turnCredential', () => {
  it('puts the expiry in the username and signs it with HMAC-SHA1 of the secret', () => {
    const c = turnCredential({
      secret: 's3cret',
      participantId: 'p-1',
      ttlS: 3600,
      nowMs: 1_700_000_000_500,
    });
    expect(c.username).toBe('1700003600:p-1');
    expect(c.expiresAt).toBe(1_700_003_600);
    expect(c.credential).toBe(createHmac('sha1', 's3cret').update('1700003600:p-1').digest('base64'));
  });

  it('gives different participants different passwords', () => {
    const a = turnCredential({ secret: 'x', participantId: 'a', ttlS: 60, nowMs: 0 });
    const b = turnCredential({ secret: 'x', participantId: 'b', ttlS: 60, nowMs: 0 });
    expect(a.credential).not.toBe(b.credential);
  });
});

describe('coturnUrls / iceServersFor', () => {
  it('offers TURN over UDP and TCP, and TURNS only with a TLS port', () => {
    expect(coturnUrls({ host: 'turn.example.org', port: 3478, tlsPort: undefined })).toEqual([
      'turn:turn.example.org:3478?transport=udp',
      'turn:turn.example.org:3478?transport=tcp',
    ]);
    expect(coturnUrls({ host: '203.0.113.5', port: 3478, tlsPort: 5349 })).toContain(
      'turns:203.0.113.5:5349?transport=tcp',
    );
  });

  it('brackets IPv6 hosts', () => {
    expect(coturnUrls({ host: '2001:db8::1', port: 3478, tlsPort: undefined })[0]).toBe(
      'turn:[2001:db8::1]:3478?transport=udp',
    );
  });

  it('returns one RTCIceServer with all URLs and fresh credentials', () => {
    const servers = iceServersFor({
      urls: ['turn:h:1'],
      secret: 'k',
      participantId: 'p',
      ttlS: 10,
      nowMs: 5000,
    });
    expect(servers).toEqual([{ urls: ['turn:h:1'], username: '15:p', credential: expect.any(String) }]);
  });
});

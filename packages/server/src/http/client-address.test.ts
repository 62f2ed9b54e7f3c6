import { describe, expect, it } from 'vitest';
import { canonicalIp, clientAddress } from './client-address.js';

describe('canonicalIp', () => {
  it('keeps IPv4, compresses and lower-cases IPv6', () => {
    expect(canonicalIp('192.0.2.1')).toBe('192.0.2.1');
    expect(canonicalIp('0:0:0:0:0:0:0:1')).toBe('::1');
    expect(canonicalIp('2001:DB8::0:1')).toBe('2001:db8::1');
  });
  it('turns IPv4-mapped IPv6 into IPv4', () => {
    expect(canonicalIp('::ffff:1.2.3.4')).toBe('1.2.3.4');
    expect(canonicalIp('::FFFF:203.0.113.7')).toBe('203.0.113.7');
    expect(canonicalIp('::ffff:c000:0201')).toBe('192.0.2.1');
  });
  it('refuses what is not an address', () => {
    for (const text of ['', 'unknown', '1.2.3', '1.2.3.256', '::g', 'fe80::1%eth0', ' 1.2.3.4', '[::1]'])
      expect(canonicalIp(text), text).toBeUndefined();
  });
});

describe('clientAddress', () => {
  const proxy = ['10.0.0.1'];

  it('is the peer when no proxy is trusted, whatever the header says', () => {
    expect(clientAddress('198.51.100.9', '203.0.113.7', undefined)).toBe('198.51.100.9');
    expect(clientAddress('198.51.100.9', '203.0.113.7', [])).toBe('198.51.100.9');
  });
  it('is the peer when the peer is not the trusted proxy', () => {
    expect(clientAddress('198.51.100.9', '203.0.113.7', proxy)).toBe('198.51.100.9');
  });
  it('is the peer behind a trusted proxy that sent no header', () => {
    expect(clientAddress('10.0.0.1', undefined, proxy)).toBe('10.0.0.1');
  });
  it('takes the rightmost entry that is not a trusted proxy', () => {
    expect(clientAddress('10.0.0.1', '203.0.113.7', proxy)).toBe('203.0.113.7');
    // The client wrote 6.6.6.6 itself; only what our proxy appended counts.
    expect(clientAddress('10.0.0.1', '6.6.6.6, 203.0.113.7', proxy)).toBe('203.0.113.7');
    expect(clientAddress('10.0.0.1', '203.0.113.7, 10.0.0.2', ['10.0.0.1', '10.0.0.2'])).toBe('203.0.113.7');
  });
  it('reads repeated headers in order', () => {
    expect(clientAddress('10.0.0.1', ['6.6.6.6', '203.0.113.7'], proxy)).toBe('203.0.113.7');
  });
  it('accepts ports and brackets in entries', () => {
    expect(clientAddress('10.0.0.1', '203.0.113.7:5555', proxy)).toBe('203.0.113.7');
    expect(clientAddress('10.0.0.1', '[2001:db8::7]:443', proxy)).toBe('2001:db8::7');
    expect(clientAddress('10.0.0.1', '2001:DB8::7', proxy)).toBe('2001:db8::7');
  });
  it('falls back to the peer on garbage', () => {
    for (const header of ['unknown', 'evil.example', '203.0.113.7, <script>', '1.2.3.4.5', '999.1.1.1'])
      expect(clientAddress('10.0.0.1', header, proxy), header).toBe('10.0.0.1');
  });
  it('ignores garbage left of the first untrusted entry', () => {
    expect(clientAddress('10.0.0.1', 'junk, 203.0.113.7', proxy)).toBe('203.0.113.7');
  });
  it('is the furthest proxy when every hop is trusted', () => {
    expect(clientAddress('10.0.0.1', '10.0.0.2', ['10.0.0.1', '10.0.0.2'])).toBe('10.0.0.2');
  });
  it('normalises IPv4-mapped peers and entries, and the trust list', () => {
    expect(clientAddress('::ffff:198.51.100.9', undefined, undefined)).toBe('198.51.100.9');
    expect(clientAddress('::ffff:10.0.0.1', '::ffff:203.0.113.7', proxy)).toBe('203.0.113.7');
    expect(clientAddress('10.0.0.1', '203.0.113.7', ['::ffff:10.0.0.1'])).toBe('203.0.113.7');
    expect(clientAddress('::1', '203.0.113.7', ['0:0:0:0:0:0:0:1'])).toBe('203.0.113.7');
  });
  it('is "unknown" when the peer address is missing', () => {
    expect(clientAddress(undefined, '203.0.113.7', proxy)).toBe('unknown');
  });
});

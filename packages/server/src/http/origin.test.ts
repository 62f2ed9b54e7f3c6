import { describe, expect, it } from 'vitest';
import { hostNameOf, type OriginPolicy, originRefusal } from './origin.js';

const sameHost: OriginPolicy = { kind: 'same-host', hostNames: ['Meet.LAN'] };
const publicUrl: OriginPolicy = { kind: 'public', origin: 'https://meet.example.org' };

describe('originRefusal with PUBLIC_URL', () => {
  it('accepts exactly its origin', () => {
    expect(originRefusal({ origin: 'https://meet.example.org', host: 'meet.example.org' }, publicUrl)).toBe(
      undefined,
    );
    // Behind a proxy the Host may be anything; the Origin decides.
    expect(originRefusal({ origin: 'https://meet.example.org', host: '127.0.0.1:8080' }, publicUrl)).toBe(
      undefined,
    );
  });

  it.each([
    'http://meet.example.org',
    'https://meet.example.org:8443',
    'https://evil.example',
    'https://meet.example.org.evil.example',
    'null',
    '',
  ])('refuses origin %s', (origin) => {
    expect(originRefusal({ origin, host: 'meet.example.org' }, publicUrl)).toBe('origin is not PUBLIC_URL');
  });

  it('refuses a DNS-rebound page, though its Origin matches its Host', () => {
    expect(
      originRefusal({ origin: 'https://rebind.evil.example', host: 'rebind.evil.example' }, publicUrl),
    ).toBe('origin is not PUBLIC_URL');
  });

  it('lets a client without Origin (not a browser page) through', () => {
    expect(originRefusal({ origin: undefined, host: 'anything' }, publicUrl)).toBe(undefined);
  });
});

describe('originRefusal without PUBLIC_URL', () => {
  it.each([
    ['http://127.0.0.1:8080', '127.0.0.1:8080'],
    ['http://localhost:8080', 'localhost:8080'],
    ['http://[::1]:8080', '[::1]:8080'],
    ['https://198.51.100.1', '198.51.100.1'],
    ['http://meet.lan:8080', 'meet.lan:8080'],
  ])('accepts same-origin %s', (origin, host) => {
    expect(originRefusal({ origin, host }, sameHost)).toBe(undefined);
  });

  it('refuses another site', () => {
    expect(originRefusal({ origin: 'https://evil.example', host: '127.0.0.1:8080' }, sameHost)).toBe(
      'origin is not this host',
    );
    expect(originRefusal({ origin: 'https://evil.example', host: undefined }, sameHost)).toBe(
      'origin is not this host',
    );
  });

  it('refuses a host name that could be rebound to us', () => {
    expect(
      originRefusal(
        { origin: 'http://rebind.evil.example:8080', host: 'rebind.evil.example:8080' },
        sameHost,
      ),
    ).toMatch(/^host is not an IP address, localhost or HOST/);
  });
});

describe('hostNameOf', () => {
  it('reads names and addresses, with or without a port', () => {
    expect(hostNameOf('Example.org:80')).toBe('example.org');
    expect(hostNameOf('[::1]:8080')).toBe('::1');
    expect(hostNameOf('10.0.0.1')).toBe('10.0.0.1');
  });

  it.each(['evil@127.0.0.1', '127.0.0.1/x', '[nope]', 'a b', ''])('refuses %s', (host) => {
    expect(hostNameOf(host)).toBe(undefined);
  });
});

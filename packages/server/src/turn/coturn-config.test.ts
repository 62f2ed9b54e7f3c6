import { describe, expect, it } from 'vitest';
import { type CoturnConfigOptions, DENIED_PEER_RANGES, renderCoturnConfig } from './coturn-config.js';

const base: CoturnConfigOptions = {
  secret: 'abc',
  realm: 'backdrop',
  port: 3478,
  tls: undefined,
  relayPorts: { min: 49152, max: 49200 },
  listeningIps: [],
  relayIps: [],
  externalIps: [],
  allowedPeerIps: [],
  dir: '/tmp/t',
};

function lines(options: Partial<CoturnConfigOptions>): string[] {
  return renderCoturnConfig({ ...base, ...options })
    .trim()
    .split('\n');
}

describe('renderCoturnConfig', () => {
  it('uses TURN REST auth with the given secret, and hardens coturn', () => {
    const conf = lines({});
    for (const line of [
      'use-auth-secret',
      'static-auth-secret=abc',
      'realm=backdrop',
      'listening-port=3478',
      'min-port=49152',
      'max-port=49200',
      'no-cli',
      'no-multicast-peers',
      'fingerprint',
      'no-tcp-relay',
      'no-tls',
      'log-file=stdout',
    ])
      expect(conf).toContain(line);
    expect(conf.some((l) => l.startsWith('listening-ip'))).toBe(false);
  });

  it('denies loopback, private, link-local and mapped ranges, and allows only our Janus', () => {
    const conf = lines({ allowedPeerIps: ['10.0.0.7'] });
    for (const range of [
      '127.0.0.0-127.255.255.255',
      '10.0.0.0-10.255.255.255',
      '172.16.0.0-172.31.255.255',
      '192.168.0.0-192.168.255.255',
      '169.254.0.0-169.254.255.255',
      '100.64.0.0-100.127.255.255',
      '0.0.0.0-0.255.255.255',
      '::1-::1',
      'fc00::-fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
      'fe80::-febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
      '::ffff:0.0.0.0-::ffff:255.255.255.255',
    ])
      expect(conf).toContain(`denied-peer-ip=${range}`);
    expect(conf).toContain('allowed-peer-ip=10.0.0.7');
    expect(conf).not.toContain('allow-loopback-peers');
  });

  it('lets coturn consider loopback peers only when our Janus is on loopback', () => {
    const conf = lines({ allowedPeerIps: ['127.0.0.1'] });
    expect(conf).toContain('allow-loopback-peers');
    expect(conf).toContain('allowed-peer-ip=127.0.0.1');
    expect(conf).toContain('denied-peer-ip=127.0.0.0-127.255.255.255');
  });

  it('writes every CIDR as a first-last range of the same size', () => {
    for (const { cidr, range } of DENIED_PEER_RANGES) {
      if (!cidr.includes(':')) {
        const toInt = (ip: string) => ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
        const bits = Number(cidr.split('/')[1]);
        const [lo, hi] = range.split('-').map(toInt) as [number, number];
        expect(lo, cidr).toBe(toInt(cidr.split('/')[0]!));
        expect(hi - lo + 1, cidr).toBe(2 ** (32 - bits));
      }
    }
  });

  it('maps each public address to the relay address of the same family', () => {
    const conf = lines({ externalIps: ['203.0.113.5', '2001:db8::5'], relayIps: ['10.0.0.2'] });
    expect(conf).toContain('external-ip=203.0.113.5/10.0.0.2');
    expect(conf).toContain('external-ip=2001:db8::5');
  });

  it('listens and relays on the given addresses', () => {
    const conf = lines({ listeningIps: ['127.0.0.1'], relayIps: ['127.0.0.1'] });
    expect(conf).toContain('listening-ip=127.0.0.1');
    expect(conf).toContain('relay-ip=127.0.0.1');
  });

  it('turns TURNS on with a certificate', () => {
    const conf = lines({ tls: { port: 5349, certFile: '/c.pem', keyFile: '/k.pem' } });
    expect(conf).toEqual(expect.arrayContaining(['tls-listening-port=5349', 'cert=/c.pem', 'pkey=/k.pem']));
    expect(conf).not.toContain('no-tls');
  });

  it('refuses values that would inject a line', () => {
    expect(() => lines({ realm: 'a\nno-auth' })).toThrow(/line break/);
  });
});

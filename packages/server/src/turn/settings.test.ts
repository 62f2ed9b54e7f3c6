import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config/load.js';
import { turnSettingsFrom } from './settings.js';

function settings(env: Record<string, string>) {
  return turnSettingsFrom(loadConfig(env, []));
}

function problems(env: Record<string, string>): string[] {
  try {
    turnSettingsFrom(loadConfig(env, []));
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('turnSettingsFrom', () => {
  it('is off by default', () => {
    expect(settings({})).toEqual({ mode: 'off' });
  });

  it('runs our coturn with TURN=on, on 3478, reachable at the first PUBLIC_IP', () => {
    const s = settings({ TURN: 'on', PUBLIC_IP: '203.0.113.5, 2001:db8::5' });
    expect(s).toMatchObject({
      mode: 'own',
      host: '203.0.113.5',
      port: 3478,
      tls: undefined,
      externalIps: ['203.0.113.5', '2001:db8::5'],
      credentialTtlS: 86_400,
    });
  });

  it('allows our Janus: TURN_ALLOWED_PEER_IPS, PUBLIC_IP and IP addresses in JANUS_ICE_ENFORCE_LIST', () => {
    const s = settings({
      TURN: 'on',
      TURN_HOST: 'turn.example.org',
      TURN_ALLOWED_PEER_IPS: '10.0.0.7',
      JANUS_ICE_ENFORCE_LIST: 'eth0,127.0.0.1',
    });
    expect(s.mode === 'own' && s.allowedPeerIps).toEqual(['10.0.0.7', '127.0.0.1']);
  });

  it('enables TURNS with TLS_CERT and TLS_KEY', () => {
    const s = settings({ TURN: 'on', TURN_HOST: 'h', TLS_CERT: '/c', TLS_KEY: '/k' });
    expect(s.mode === 'own' && s.tls).toEqual({ port: 5349, certFile: '/c', keyFile: '/k' });
  });

  it('uses an external TURN with TURN_URLS and TURN_SECRET', () => {
    const s = settings({
      TURN_URLS: 'turn:t.example.org:3478?transport=udp,turns:t.example.org:5349',
      TURN_SECRET: 'x'.repeat(16),
    });
    expect(s).toMatchObject({
      mode: 'external',
      urls: ['turn:t.example.org:3478?transport=udp', 'turns:t.example.org:5349'],
    });
  });

  it('names inconsistent settings', () => {
    expect(problems({ TURN: 'on' }).join()).toMatch(/TURN_HOST/);
    expect(problems({ TURN_URLS: 'turn:a:1' }).join()).toMatch(/TURN_SECRET/);
    expect(
      problems({ TURN: 'on', TURN_HOST: 'h', TURN_URLS: 'turn:a:1', TURN_SECRET: 'x'.repeat(16) }).join(),
    ).toMatch(/TURN=on and TURN_URLS/);
    expect(problems({ TLS_CERT: '/c' }).join()).toMatch(/TLS_KEY/);
    expect(
      problems({
        TURN: 'on',
        TURN_HOST: 'h',
        TURN_RELAY_PORT_RANGE: '30000-30100',
        JANUS_RTP_PORT_RANGE: '20000-40000',
      }).join(),
    ).toMatch(/overlaps JANUS_RTP_PORT_RANGE/);
  });

  it('names bad values of single settings', () => {
    const bad = () =>
      loadConfig(
        {
          TURN: 'yes',
          TURN_PORT: '0',
          PUBLIC_IP: 'my-host',
          TURN_URLS: 'http://x',
          TURN_CREDENTIAL_TTL_S: '5',
        },
        [],
      );
    expect(bad).toThrow(ConfigError);
    try {
      bad();
    } catch (error) {
      const text = (error as ConfigError).problems.join('\n');
      for (const name of [
        'TURN (yes)',
        'TURN_PORT (0)',
        'PUBLIC_IP (my-host)',
        'TURN_URLS (http://x)',
        'TURN_CREDENTIAL_TTL_S (5)',
      ])
        expect(text).toContain(name);
    }
  });
});

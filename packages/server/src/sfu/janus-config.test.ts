import { describe, expect, it } from 'vitest';
import { jcfgString, renderJanusConfig } from './janus-config.js';

const base = {
  dir: '/tmp/j',
  apiSecret: 'sec"ret',
  adminSecret: 'adm',
  adminKey: 'key',
  wsPort: 8188,
  rtpPortRange: '20000-20100',
  iceEnforceList: undefined,
  iceIgnoreList: 'vmnet',
  debugLevel: 3,
};

describe('renderJanusConfig', () => {
  it('binds the WebSocket transport to loopback only and disables admin transports', () => {
    const ws = renderJanusConfig(base)['janus.transport.websockets.jcfg']!;
    expect(ws).toContain('ws_ip = "127.0.0.1"');
    expect(ws).toContain('ws_port = 8188');
    expect(ws).toContain('admin_ws = false');
  });

  it('escapes secrets and sets the admin key on VideoRoom', () => {
    const files = renderJanusConfig(base);
    expect(files['janus.jcfg']).toContain('api_secret = "sec\\"ret"');
    expect(files['janus.plugin.videoroom.jcfg']).toContain('admin_key = "key"');
    expect(files['janus.jcfg']).toContain('rtp_port_range = "20000-20100"');
  });

  it('writes ice_enforce_list only when given', () => {
    expect(renderJanusConfig(base)['janus.jcfg']).not.toContain('ice_enforce_list');
    expect(renderJanusConfig({ ...base, iceEnforceList: '127.0.0.1' })['janus.jcfg']).toContain(
      'ice_enforce_list = "127.0.0.1"',
    );
  });

  it('quotes backslashes', () => {
    expect(jcfgString('a\\b')).toBe('"a\\\\b"');
  });

  it('sets the session timeout (60 s unless configured)', () => {
    expect(renderJanusConfig(base)['janus.jcfg']).toContain('session_timeout = 60\n');
    expect(renderJanusConfig({ ...base, sessionTimeoutS: 5 })['janus.jcfg']).toContain(
      'session_timeout = 5\n',
    );
  });

  it('writes no NAT mapping and no STUN server unless configured', () => {
    const jcfg = renderJanusConfig(base)['janus.jcfg']!;
    expect(jcfg).not.toMatch(/nat_1_1_mapping|keep_private_host|stun_server|stun_port/);
  });

  it('maps PUBLIC_IP addresses to nat_1_1_mapping and keeps the private host', () => {
    const nat = natBlock(renderJanusConfig({ ...base, natMapping: ['198.51.100.7', '2001:db8::7'] }));
    expect(nat).toContain('nat_1_1_mapping = "198.51.100.7,2001:db8::7"\n');
    expect(nat).toContain('keep_private_host = true\n');
  });

  it('writes the STUN server, and lets Janus start when it is unreachable', () => {
    const nat = natBlock(
      renderJanusConfig({ ...base, stunServer: { host: 'stun.example.org', port: 19302 } }),
    );
    expect(nat).toContain('stun_server = "stun.example.org"\n');
    expect(nat).toContain('stun_port = 19302\n');
    expect(nat).toContain('ignore_unreachable_ice_server = true\n');
  });
});

/** The `nat: { ... }` section of janus.jcfg, so a test can't pass on a line that landed in another section. */
function natBlock(files: Record<string, string>): string {
  const match = /\nnat: \{\n([\s\S]*?)\n\}\n/.exec(files['janus.jcfg']!);
  if (!match) throw new Error('no nat section');
  return `${match[1]}\n`;
}

import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './load.js';

describe('loadConfig', () => {
  it('has safe defaults: loopback, 8080, a heartbeat that drops dead browsers within 30 s', () => {
    const config = loadConfig({}, []);
    expect(config.host).toBe('127.0.0.1');
    expect(config.port).toBe(8080);
    expect(config.janusUrl).toBeUndefined();
    expect(config.heartbeatMs * 2).toBeLessThanOrEqual(30_000);
  });

  it('reads env and lets flags win', () => {
    const config = loadConfig({ PORT: '9000', JANUS_ICE_ENFORCE_LIST: '127.0.0.1' }, [
      '--port',
      '9100',
      '--janus-url=ws://127.0.0.1:8188',
    ]);
    expect(config.port).toBe(9100);
    expect(config.janusIceEnforceList).toBe('127.0.0.1');
    expect(config.janusUrl).toBe('ws://127.0.0.1:8188');
  });

  it('names every bad value in one error', () => {
    try {
      loadConfig({ PORT: 'eighty', JANUS_RTP_PORT_RANGE: '40000-20000', LOG_LEVEL: 'loud' }, [
        '--janus-url',
        'http://x',
        '--nope',
      ]);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems.join('\n');
      expect(problems).toMatch(/PORT \(eighty\)/);
      expect(problems).toMatch(/JANUS_RTP_PORT_RANGE/);
      expect(problems).toMatch(/LOG_LEVEL/);
      expect(problems).toMatch(/JANUS_URL.*ws:\/\//);
      expect(problems).toMatch(/unknown option --nope/);
    }
  });

  it('rejects a flag with no value', () => {
    expect(() => loadConfig({}, ['--port'])).toThrow(/--port needs a value/);
  });
});

describe('PUBLIC_URL and JANUS_STUN_SERVER', () => {
  it('keeps only the origin of PUBLIC_URL', () => {
    expect(loadConfig({ PUBLIC_URL: 'https://Meet.Example.org/' }, []).publicUrl).toBe(
      'https://meet.example.org',
    );
    expect(loadConfig({ PUBLIC_URL: 'https://meet.example.org:443' }, []).publicUrl).toBe(
      'https://meet.example.org',
    );
    expect(loadConfig({ PUBLIC_URL: 'http://10.0.0.5:8080' }, []).publicUrl).toBe('http://10.0.0.5:8080');
  });

  it.each([
    'meet.example.org',
    'ftp://meet.example.org',
    'https://meet.example.org/app',
    'https://meet.example.org/?x=1',
    'https://meet.example.org/#top',
    'https://user:pw@meet.example.org',
  ])('refuses PUBLIC_URL %s', (value) => {
    expect(() => loadConfig({ PUBLIC_URL: value }, [])).toThrow(/PUBLIC_URL .*no path, query or user/);
  });

  it('reads JANUS_STUN_SERVER as host and port (3478 by default)', () => {
    expect(loadConfig({ JANUS_STUN_SERVER: 'stun.example.org:19302' }, []).janusStunServer).toEqual({
      host: 'stun.example.org',
      port: 19302,
    });
    expect(loadConfig({ JANUS_STUN_SERVER: '198.51.100.7' }, []).janusStunServer).toEqual({
      host: '198.51.100.7',
      port: 3478,
    });
    expect(loadConfig({ JANUS_STUN_SERVER: '[2001:db8::1]:3479' }, []).janusStunServer).toEqual({
      host: '2001:db8::1',
      port: 3479,
    });
  });

  it.each(['stun:stun.example.org', 'host:0', 'host:70000', '[nope]:3478', 'a b'])(
    'refuses JANUS_STUN_SERVER %s',
    (value) => {
      expect(() => loadConfig({ JANUS_STUN_SERVER: value }, [])).toThrow(/JANUS_STUN_SERVER/);
    },
  );
});

describe('RESUME_WINDOW_MS', () => {
  it('keeps a lost participant 30 s by default', () => {
    expect(loadConfig({}, []).resumeWindowMs).toBe(30_000);
  });

  it('takes 0 (resume off) and any whole number of ms up to 10 minutes', () => {
    expect(loadConfig({ RESUME_WINDOW_MS: '0' }, []).resumeWindowMs).toBe(0);
    expect(loadConfig({}, ['--resume-window-ms', '1500']).resumeWindowMs).toBe(1500);
    expect(loadConfig({ RESUME_WINDOW_MS: '600000' }, []).resumeWindowMs).toBe(600_000);
  });

  it.each(['-1', '1.5', 'soon', '600001'])('refuses %s, naming the variable', (value) => {
    expect(() => loadConfig({ RESUME_WINDOW_MS: value }, [])).toThrow(/RESUME_WINDOW_MS/);
  });

  it('takes the cascade settings: capacity, a private hop address, remote ports apart from the media range', () => {
    const config = loadConfig(
      { ROOM_NODE_CAPACITY: '2', NODE_RTP_HOST: '10.0.0.5', JANUS_REMOTE_PORTS: '41000-41999' },
      [],
    );
    expect(config).toMatchObject({
      roomNodeCapacity: 2,
      nodeRtpHost: '10.0.0.5',
      janusRemotePorts: '41000-41999',
    });
    expect(loadConfig({}, [])).toMatchObject({ roomNodeCapacity: 50, nodeRtpHost: '127.0.0.1' });
    expect(() => loadConfig({ NODE_RTP_HOST: '203.0.113.7' }, [])).toThrow(
      /NODE_RTP_HOST.*loopback or private/,
    );
    expect(() => loadConfig({ ROOM_NODE_CAPACITY: '0' }, [])).toThrow(/ROOM_NODE_CAPACITY/);
    expect(() =>
      loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379', JANUS_REMOTE_PORTS: '39000-39999' }, []),
    ).toThrow(/JANUS_REMOTE_PORTS.*must not overlap JANUS_RTP_PORT_RANGE/);
  });
});

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

import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load.js';
import { checkWebSettings, insecureContextWarning, loadWebSettings } from './web-settings.js';

describe('web settings', () => {
  it('uses the same-host policy, no TLS and no HSTS by default', async () => {
    const web = await loadWebSettings(loadConfig({ HOST: 'meet.lan' }, []));
    expect(web).toEqual({
      tls: undefined,
      originPolicy: { kind: 'same-host', hostNames: ['meet.lan'] },
      hsts: false,
      publicUrl: undefined,
    });
  });

  it('uses PUBLIC_URL as the only origin, with HSTS when it is https (a proxy terminates TLS)', async () => {
    const web = await loadWebSettings(loadConfig({ PUBLIC_URL: 'https://meet.example.org' }, []));
    expect(web.originPolicy).toEqual({ kind: 'public', origin: 'https://meet.example.org' });
    expect(web.hsts).toBe(true);
    expect(web.publicUrl).toBe('https://meet.example.org');
  });

  it('wants both TLS files or neither', () => {
    expect(() => checkWebSettings(loadConfig({ TLS_CERT: '/c.pem' }, []))).toThrow(/TLS_CERT and TLS_KEY/);
  });

  it('refuses an http PUBLIC_URL on a server that serves https', () => {
    expect(() =>
      checkWebSettings(
        loadConfig({ TLS_CERT: '/c.pem', TLS_KEY: '/k.pem', PUBLIC_URL: 'http://meet.example.org' }, []),
      ),
    ).toThrow(/PUBLIC_URL .*serves HTTPS/);
  });

  it('names an unreadable certificate as a configuration error', async () => {
    await expect(
      loadWebSettings(loadConfig({ TLS_CERT: '/nonexistent/c.pem', TLS_KEY: '/nonexistent/k.pem' }, [])),
    ).rejects.toThrow(/TLS_CERT \(\/nonexistent\/c\.pem\): cannot read it/);
  });

  it('warns when browsers will refuse the camera (plain http off loopback)', () => {
    expect(insecureContextWarning(loadConfig({ HOST: '0.0.0.0' }, []), false)).toMatch(/secure context/);
    expect(insecureContextWarning(loadConfig({ PUBLIC_URL: 'http://meet.example.org' }, []), false)).toMatch(
      /http:\/\/meet\.example\.org/,
    );
    expect(insecureContextWarning(loadConfig({ HOST: '0.0.0.0' }, []), true)).toBe(undefined);
    expect(insecureContextWarning(loadConfig({}, []), false)).toBe(undefined);
    expect(insecureContextWarning(loadConfig({ HOST: 'localhost' }, []), false)).toBe(undefined);
    expect(
      insecureContextWarning(
        loadConfig({ HOST: '0.0.0.0', PUBLIC_URL: 'https://meet.example.org' }, []),
        false,
      ),
    ).toBe(undefined);
  });
});

import { createHmac } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load.js';
import { startTurn } from './turn.js';

const logger = pino({ level: 'silent' });

describe('startTurn', () => {
  it('is undefined when TURN is off', async () => {
    expect(await startTurn(loadConfig({}, []), logger)).toBeUndefined();
  });

  it('hands out credentials for an external TURN that its secret verifies', async () => {
    const secret = 'shared-secret-0123456789';
    const turn = await startTurn(
      loadConfig(
        {
          TURN_URLS: 'turn:t.example.org:3478?transport=udp',
          TURN_SECRET: secret,
          TURN_CREDENTIAL_TTL_S: '300',
        },
        [],
      ),
      logger,
      { now: () => 1_000_000_000_000 },
    );
    const [server] = turn!.iceServersFor('p-42');
    expect(server).toEqual({
      urls: ['turn:t.example.org:3478?transport=udp'],
      username: '1000000300:p-42',
      credential: createHmac('sha1', secret).update('1000000300:p-42').digest('base64'),
    });
    expect(turn!.process).toBeUndefined();
    await turn!.stop();
  });

  it('fails to start, leaving nothing behind, when the certificate is missing', async () => {
    const dirs = async () => (await readdir(tmpdir())).filter((name) => name.startsWith('backdrop-coturn-'));
    const before = await dirs();
    await expect(
      startTurn(
        loadConfig(
          { TURN: 'on', TURN_HOST: 'h', TLS_CERT: '/nonexistent/cert.pem', TLS_KEY: '/nonexistent/key.pem' },
          [],
        ),
        logger,
      ),
    ).rejects.toThrow(/nonexistent\/cert.pem/);
    expect(await dirs()).toEqual(before);
  });
});

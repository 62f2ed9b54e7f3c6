import { MAX_CONTROL_MESSAGE_BYTES, MAX_MESSAGE_BYTES } from '@backdrop/protocol';
import { describe, expect, it } from 'vitest';
import { parseClientMessage } from './parse.js';

const errorCode = (data: string) => {
  const r = parseClientMessage(data);
  return r.ok ? 'ok' : r.error.code;
};

describe('parseClientMessage', () => {
  it('accepts a join and trims the name', () => {
    const r = parseClientMessage(
      JSON.stringify({ type: 'join', id: 3, room: 'daily-sync', name: '  Ada  ' }),
    );
    expect(r).toMatchObject({ ok: true, message: { type: 'join', room: 'daily-sync', name: 'Ada', id: 3 } });
  });

  it('rejects bad JSON, unknown types and oversized frames with distinct codes', () => {
    expect(errorCode('{')).toBe('bad_json');
    expect(errorCode('{"type":"explode"}')).toBe('bad_message');
    expect(errorCode('"join"')).toBe('bad_message');
    expect(errorCode(JSON.stringify({ type: 'join', room: 'r', name: 'x'.repeat(MAX_MESSAGE_BYTES) }))).toBe(
      'too_large',
    );
  });

  it('rejects bad room names and names', () => {
    for (const room of ['', 'UPPER', 'a b', 'a/b', 'x'.repeat(65), 'caf\u00e9']) {
      expect(errorCode(JSON.stringify({ type: 'join', room, name: 'n' })), room).toBe('bad_message');
    }
    for (const name of ['', '   ', 'n'.repeat(65), 'a\u0000b']) {
      expect(errorCode(JSON.stringify({ type: 'join', room: 'ok', name })), name).toBe('invalid_name');
    }
    expect(errorCode(JSON.stringify({ type: 'join', room: 'ok', name: 'n'.repeat(64) }))).toBe('ok');
  });

  it('never accepts a client-supplied participant id or any unknown field', () => {
    expect(errorCode(JSON.stringify({ type: 'leave', participantId: 'p_x' }))).toBe('bad_message');
    expect(errorCode(JSON.stringify({ type: 'join', room: 'ok', name: 'n', from: 'p_x' }))).toBe(
      'bad_message',
    );
  });

  it('refuses messages without SDP above the control limit, before or after parsing', () => {
    const pad = 'x'.repeat(MAX_CONTROL_MESSAGE_BYTES);
    expect(errorCode(JSON.stringify({ type: 'join', room: 'ok', name: pad }))).toBe('too_large');
    expect(errorCode(JSON.stringify({ type: 'leave', pad }))).toBe('too_large');
    expect(errorCode(`{"type":"nope","x":"${pad}"}`)).toBe('too_large');
    // Naming an SDP type inside another field does not get a control message through.
    const r = parseClientMessage(JSON.stringify({ type: 'join', id: 7, room: 'publish', name: 'n', p: pad }));
    expect(r).toMatchObject({ ok: false, replyTo: 7, error: { code: 'too_large' } });
    // Just under the limit, the usual checks apply.
    const small = JSON.stringify({ type: 'leave', pad: '' });
    const fill = 'x'.repeat(MAX_CONTROL_MESSAGE_BYTES - small.length);
    expect(errorCode(JSON.stringify({ type: 'leave', pad: fill }))).toBe('bad_message');
  });

  it('lets SDP messages up to the full message limit', () => {
    const sdp = `v=0\r\n${'a=x\r\n'.repeat(3000)}`;
    expect(sdp.length).toBeGreaterThan(MAX_CONTROL_MESSAGE_BYTES);
    expect(errorCode(JSON.stringify({ type: 'publish', id: 1, sdp }))).toBe('ok');
    expect(errorCode(JSON.stringify({ type: 'subscriberAnswer', sdp }))).toBe('ok');
  });

  it('echoes a usable request id on errors', () => {
    const r = parseClientMessage(JSON.stringify({ type: 'publish', id: 'req-9', sdp: 5 }));
    expect(r).toMatchObject({ ok: false, replyTo: 'req-9' });
  });
});

describe('peerSignal and directMedia', () => {
  const offer = (sdp: string) =>
    JSON.stringify({ type: 'peerSignal', to: 'p_abc', description: { type: 'offer', sdp } });

  it('carries an SDP up to the publish limit, and one description or one candidate', () => {
    expect(errorCode(offer('v=0\r\n'.repeat(2000)))).toBe('ok');
    expect(errorCode(offer('x'.repeat(MAX_MESSAGE_BYTES)))).toBe('too_large');
    expect(errorCode(JSON.stringify({ type: 'peerSignal', to: 'p_abc', candidate: null }))).toBe('ok');
    expect(errorCode(JSON.stringify({ type: 'peerSignal', to: 'p_abc' }))).toBe('bad_message');
    expect(
      errorCode(
        JSON.stringify({
          type: 'peerSignal',
          to: 'p_abc',
          candidate: null,
          description: { type: 'answer', sdp: 'v=0' },
        }),
      ),
    ).toBe('bad_message');
  });

  it('refuses a sender stamp, a bad peer id and a description type other than offer or answer', () => {
    expect(errorCode(JSON.stringify({ type: 'peerSignal', to: 'p_abc', from: 'p_x', candidate: null }))).toBe(
      'bad_message',
    );
    expect(errorCode(JSON.stringify({ type: 'peerSignal', to: 'janus', candidate: null }))).toBe(
      'bad_message',
    );
    expect(
      errorCode(
        JSON.stringify({ type: 'peerSignal', to: 'p_abc', description: { type: 'rollback', sdp: 'v=0' } }),
      ),
    ).toBe('bad_message');
    expect(errorCode(JSON.stringify({ type: 'directMedia', peerId: 'p_abc', receiving: true }))).toBe('ok');
    expect(
      errorCode(
        JSON.stringify({ type: 'directMedia', peerId: 'p_abc', receiving: true, pad: 'x'.repeat(5000) }),
      ),
    ).toBe('too_large');
  });
});

describe('refusal text', () => {
  it('stays short when the request has huge unknown keys', () => {
    const key = 'k'.repeat(1800); // two of them stay under the 4 KiB control-message cap
    const result = parseClientMessage(JSON.stringify({ type: 'leave', [key]: 1, [`${key}2`]: 2 }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('bad_message');
    expect(result.error.message.length).toBeLessThan(400);
  });
});

describe('parseClientMessage: chat frames', () => {
  it('lets a chat escaped past the control limit through, and nothing else of that size', () => {
    const chat = JSON.stringify({ type: 'chat', text: '"'.repeat(2048) });
    expect(Buffer.byteLength(chat)).toBeGreaterThan(4096);
    expect(errorCode(chat)).toBe('ok');
    expect(
      errorCode(JSON.stringify({ type: 'hand', raised: true, pad: '"'.repeat(2048), note: 'chat' })),
    ).toBe('too_large');
    expect(errorCode(JSON.stringify({ type: 'chat', text: 'a'.repeat(2049) }))).toBe('invalid_chat');
    expect(errorCode(JSON.stringify({ type: 'chat', text: 'a'.repeat(9000) }))).toBe('too_large');
  });
});

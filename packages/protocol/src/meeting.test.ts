import { describe, expect, it } from 'vitest';
import { MAX_CONTROL_MESSAGE_BYTES } from './limits.js';
import { CHAT_MAX_BYTES, checkChatText, MAX_CHAT_FRAME_BYTES } from './meeting.js';
import { ClientMessage, ServerMessage } from './messages.js';

describe('chat text', () => {
  it('trims and accepts text with line breaks, tabs, emoji and markup (it is text, never HTML)', () => {
    expect(checkChatText('  hi\n\tthere 👋 <b>x</b> ')).toEqual({
      ok: true,
      text: 'hi\n\tthere 👋 <b>x</b>',
    });
  });

  it(`counts the ${CHAT_MAX_BYTES}-byte limit in UTF-8 bytes, not characters`, () => {
    expect(checkChatText('a'.repeat(CHAT_MAX_BYTES)).ok).toBe(true);
    expect(checkChatText('a'.repeat(CHAT_MAX_BYTES + 1)).ok).toBe(false);
    expect(checkChatText('é'.repeat(CHAT_MAX_BYTES / 2)).ok).toBe(true);
    expect(checkChatText('é'.repeat(CHAT_MAX_BYTES / 2 + 1)).ok).toBe(false);
  });

  it.each([
    ['empty', ''],
    ['blank', ' \n\t '],
    ['a NUL', 'a\u0000b'],
    ['a carriage return', 'a\rb'],
    ['an escape sequence', 'a\u001b[31mred'],
    ['a bidi override', 'abc\u202edcba'],
    ['a bidi isolate', 'a\u2066b'],
    ['a lone surrogate', 'a\ud800b'],
  ])('refuses %s', (_what, text) => {
    expect(checkChatText(text).ok).toBe(false);
  });

  it('refuses through the schema with invalid_chat', () => {
    const r = ClientMessage.safeParse({ type: 'chat', text: ' ' });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]).toMatchObject({ params: { errorCode: 'invalid_chat' } });
  });

  it('a chat at the limit, escaped as badly as JSON can, fits its frame bound', () => {
    const worst = JSON.stringify({ type: 'chat', id: 'x'.repeat(64), text: '"'.repeat(CHAT_MAX_BYTES) });
    expect(Buffer.byteLength(worst)).toBeGreaterThan(MAX_CONTROL_MESSAGE_BYTES);
    expect(Buffer.byteLength(worst)).toBeLessThanOrEqual(MAX_CHAT_FRAME_BYTES);
  });
});

describe('in-call messages', () => {
  it('accept what a browser sends and refuse extra fields, ids, unknown emoji', () => {
    const ok = [
      { type: 'mediaState', micMuted: true, cameraOff: false },
      { type: 'hand', raised: true, id: 3 },
      { type: 'reaction', emoji: '👍' },
      { type: 'chat', text: 'hi' },
    ];
    for (const m of ok) expect(ClientMessage.safeParse(m).success, JSON.stringify(m)).toBe(true);
    const bad = [
      { type: 'mediaState', micMuted: 'yes', cameraOff: false },
      { type: 'mediaState', micMuted: true },
      { type: 'hand', raised: true, participantId: 'p_x' },
      { type: 'reaction', emoji: '💩' },
      { type: 'chat', text: 'hi', from: 'p_x' },
      { type: 'chat', text: 5 },
    ];
    for (const m of bad) expect(ClientMessage.safeParse(m).success, JSON.stringify(m)).toBe(false);
  });

  it('parse what the server sends', () => {
    const state = { participantId: 'p_a', micMuted: true, cameraOff: false, hand: 2, speaking: false };
    const entry = { seq: 1, from: 'p_a', name: 'Ada', text: 'hi', at: 1 };
    for (const m of [
      { type: 'roomState', participants: [state], chat: [entry] },
      { type: 'participantState', state },
      { type: 'chat', message: entry, replyTo: 4 },
      { type: 'reaction', from: 'p_a', emoji: '🎉', at: 5 },
    ]) {
      expect(ServerMessage.safeParse(m).success, m.type).toBe(true);
    }
    expect(ServerMessage.safeParse({ type: 'participantState', state: { ...state, hand: 0 } }).success).toBe(
      false,
    );
  });
});

import { describe, expect, it } from 'vitest';
import { CASCADE_MESSAGE_MAX_BYTES, parseCascadeMessage } from './cascade-messages.js';

const member = {
  id: 'p_abc',
  name: 'Ada',
  role: 'participant',
  feedId: 123,
  publishing: true,
  sharing: false,
  streams: [
    { kind: 'audio', source: 'camera' },
    { kind: 'video', source: 'camera' },
  ],
  state: { micMuted: false, cameraOff: false, hand: true, talking: false },
};

describe('cascade messages between nodes', () => {
  it('accepts each message the nodes send', () => {
    const good = [
      { type: 'hello', from: 'a' },
      { type: 'member', from: 'a', member },
      { type: 'memberLeft', from: 'a', participantId: 'p_abc' },
      { type: 'state', from: 'a', participantId: 'p_abc', state: member.state },
      { type: 'chat', from: 'a', entry: { seq: 1, from: 'p_abc', name: 'Ada', text: 'hi', at: 1 } },
      {
        type: 'listening',
        from: 'b',
        to: 'a',
        feedId: 123,
        endpoint: { host: '127.0.0.1', port: 41000, rtcpPort: 41001 },
      },
      { type: 'bye', from: 'b' },
    ];
    for (const message of good)
      expect(parseCascadeMessage(JSON.stringify(message))).toMatchObject({ ok: true });
  });

  it('refuses extra fields, bad ids and addresses, bad ports, oversize and non-JSON', () => {
    const bad = [
      'not json',
      JSON.stringify({ type: 'hello', from: 'a', extra: true }),
      JSON.stringify({ type: 'hello', from: 'NOT A NODE' }),
      JSON.stringify({ type: 'member', from: 'a', member: { ...member, feedId: -1 } }),
      JSON.stringify({
        type: 'member',
        from: 'a',
        member: { ...member, streams: Array(5).fill(member.streams[0]) },
      }),
      JSON.stringify({
        type: 'listening',
        from: 'b',
        to: 'a',
        feedId: 1,
        endpoint: { host: 'evil.example', port: 1, rtcpPort: 2 },
      }),
      JSON.stringify({
        type: 'listening',
        from: 'b',
        to: 'a',
        feedId: 1,
        endpoint: { host: '127.0.0.1', port: 70000, rtcpPort: 2 },
      }),
      JSON.stringify({
        type: 'listening',
        from: 'b',
        to: 'a',
        feedId: 1,
        endpoint: { host: '203.0.113.5', port: 41000, rtcpPort: 41001 },
      }),
      JSON.stringify({ type: 'kick', from: 'a', participantId: 'p_abc' }),
      JSON.stringify({ type: 'bye', from: 'b', pad: 'x'.repeat(CASCADE_MESSAGE_MAX_BYTES) }),
    ];
    for (const text of bad) expect(parseCascadeMessage(text).ok).toBe(false);
  });
});

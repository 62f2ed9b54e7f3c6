import { describe, expect, it } from 'vitest';
import { MAX_VIDEO_LAYER_ENTRIES } from './media.js';
import { ClientMessage, ServerMessage } from './messages.js';

const ID = 'p_abc123';

describe('screenShare', () => {
  it('a client says it started or stopped sharing; the server tells who', () => {
    expect(ClientMessage.safeParse({ type: 'screenShare', active: true }).success).toBe(true);
    expect(ServerMessage.safeParse({ type: 'screenShare', participantId: ID, active: false }).success).toBe(
      true,
    );
  });
  it.each([
    ['no active', { type: 'screenShare' }],
    ['a string active', { type: 'screenShare', active: 'yes' }],
    ['a participant id (the server stamps who)', { type: 'screenShare', active: true, participantId: ID }],
  ])('refuses %s', (_what, message) => {
    expect(ClientMessage.safeParse(message).success).toBe(false);
  });
});

describe('videoLayers', () => {
  const entry = { participantId: ID, source: 'camera', layer: 'low' };
  it('names a layer per received video', () => {
    expect(ClientMessage.safeParse({ type: 'videoLayers', streams: [entry] }).success).toBe(true);
    expect(
      ClientMessage.safeParse({
        type: 'videoLayers',
        streams: [entry, { participantId: ID, source: 'screen', layer: 'off' }],
      }).success,
    ).toBe(true);
  });
  it.each([
    ['no entries', []],
    ['too many entries', Array.from({ length: MAX_VIDEO_LAYER_ENTRIES + 1 }, () => entry)],
    ['an unknown layer', [{ ...entry, layer: 'ultra' }]],
    ['an unknown source', [{ ...entry, source: 'window' }]],
    ['a malformed participant id', [{ ...entry, participantId: 'x' }]],
    ['an extra field', [{ ...entry, mid: '1' }]],
  ])('refuses %s', (_what, streams) => {
    expect(ClientMessage.safeParse({ type: 'videoLayers', streams }).success).toBe(false);
  });
});

describe('subscriberOffer streams', () => {
  it('may say which source a stream carries', () => {
    const offer = (extra: object) => ({
      type: 'subscriberOffer',
      sdp: 'v=0',
      streams: [{ mid: '2', participantId: ID, kind: 'video', ...extra }],
    });
    expect(ServerMessage.safeParse(offer({})).success).toBe(true);
    expect(ServerMessage.safeParse(offer({ source: 'screen' })).success).toBe(true);
    expect(ServerMessage.safeParse(offer({ source: 'tab' })).success).toBe(false);
  });
});

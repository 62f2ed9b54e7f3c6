import { describe, expect, it } from 'vitest';
import { MAX_CANDIDATE_CHARS } from './limits.js';
import { ClientMessage, IceCandidate, ServerMessage } from './messages.js';

const CANDIDATE = {
  candidate: 'candidate:842163049 1 udp 1677729535 198.51.100.7 61764 typ srflx raddr 0.0.0.0 rport 0',
  sdpMid: '0',
  sdpMLineIndex: 0,
};

describe('IceCandidate', () => {
  it('accepts what a browser gathers, by mid, by index or both', () => {
    expect(IceCandidate.safeParse(CANDIDATE).success).toBe(true);
    expect(IceCandidate.safeParse({ candidate: CANDIDATE.candidate, sdpMid: 'audio' }).success).toBe(true);
    expect(IceCandidate.safeParse({ candidate: CANDIDATE.candidate, sdpMLineIndex: 2 }).success).toBe(true);
    expect(IceCandidate.safeParse({ ...CANDIDATE, sdpMid: null }).success).toBe(true);
  });

  it.each([
    ['no m-line at all', { candidate: CANDIDATE.candidate }],
    ['null mid and index', { candidate: CANDIDATE.candidate, sdpMid: null, sdpMLineIndex: null }],
    ['a line break (SDP injection)', { ...CANDIDATE, candidate: `${CANDIDATE.candidate}\r\na=ice-lite` }],
    ['not a candidate line', { ...CANDIDATE, candidate: 'a=candidate:1 1 udp 1 1.2.3.4 5 typ host' }],
    ['an empty candidate', { ...CANDIDATE, candidate: '' }],
    ['non-ASCII', { ...CANDIDATE, candidate: 'candidate:1 1 udp 1 ünï 5 typ host' }],
    ['too long', { ...CANDIDATE, candidate: `candidate:${'1'.repeat(MAX_CANDIDATE_CHARS)}` }],
    ['a mid with spaces', { ...CANDIDATE, sdpMid: 'a b' }],
    ['a mid too long', { ...CANDIDATE, sdpMid: 'm'.repeat(33) }],
    ['a negative index', { ...CANDIDATE, sdpMLineIndex: -1 }],
    ['a fractional index', { ...CANDIDATE, sdpMLineIndex: 0.5 }],
    ['an unknown field', { ...CANDIDATE, usernameFragment: 'x' }],
  ])('refuses %s', (_what, candidate) => {
    expect(IceCandidate.safeParse(candidate).success).toBe(false);
  });
});

describe('trickle messages', () => {
  it('carry a candidate or null (end-of-candidates) for the publisher or the subscriber', () => {
    for (const target of ['publisher', 'subscriber']) {
      for (const candidate of [CANDIDATE, null]) {
        expect(ClientMessage.safeParse({ type: 'trickle', target, candidate }).success).toBe(true);
        expect(ServerMessage.safeParse({ type: 'trickle', target, candidate }).success).toBe(true);
      }
    }
  });

  it('refuses another target, a missing candidate and extra fields', () => {
    expect(ClientMessage.safeParse({ type: 'trickle', target: 'janus', candidate: null }).success).toBe(
      false,
    );
    expect(ClientMessage.safeParse({ type: 'trickle', target: 'publisher' }).success).toBe(false);
    expect(
      ClientMessage.safeParse({ type: 'trickle', target: 'publisher', candidate: null, handle: 1 }).success,
    ).toBe(false);
  });
});

describe('joined', () => {
  const joined = {
    type: 'joined',
    room: 'r',
    participantId: 'p_1',
    participants: [],
    resumeToken: 'a'.repeat(43),
    resumeWindowMs: 30_000,
    resumed: false,
  };

  it('carries the ICE servers, possibly none', () => {
    expect(ServerMessage.safeParse({ ...joined, iceServers: [] }).success).toBe(true);
    const turn = {
      urls: ['turn:turn.example.com:3478?transport=udp', 'turns:turn.example.com:5349?transport=tcp'],
      username: '1796300000:p_1',
      credential: 'c2VjcmV0',
    };
    expect(ServerMessage.safeParse({ ...joined, iceServers: [turn] }).success).toBe(true);
    expect(
      ServerMessage.safeParse({ ...joined, iceServers: [{ urls: ['stun:stun.example.com'] }] }).success,
    ).toBe(true);
  });

  it('needs the list, and at least one URL per server', () => {
    expect(ServerMessage.safeParse(joined).success).toBe(false);
    expect(ServerMessage.safeParse({ ...joined, iceServers: [{ urls: [] }] }).success).toBe(false);
  });
});

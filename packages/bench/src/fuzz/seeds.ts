/**
 * Valid signalling messages the fuzzer mutates: one of each client type, with a browser-like SDP offer for
 * `publish` and an answer for `subscriberAnswer`. Pure.
 */
import type { ClientMessage } from '@backdrop/protocol';

/** What Chrome sends for a camera + microphone publish: BUNDLE, send-only, opus and VP8/VP9/H264 with RTX. */
export const BROWSER_OFFER = [
  'v=0',
  'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0 1',
  'a=extmap-allow-mixed',
  'a=msid-semantic: WMS 7d3c5d1e-8f3a-4c0e-9b1a-2f6c3e9a1b2c',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126',
  'c=IN IP4 0.0.0.0',
  'a=rtcp:9 IN IP4 0.0.0.0',
  'a=candidate:1467250027 1 udp 2122260223 127.0.0.1 46243 typ host generation 0 network-id 1',
  'a=ice-ufrag:Bq8x',
  'a=ice-pwd:kLzVQm0o7wB2kP3n9cXyT1aE',
  'a=ice-options:trickle',
  'a=fingerprint:sha-256 7B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64:1A:24:C2:43:F0:A1:58:D0:A1:2C:19:08',
  'a=setup:actpass',
  'a=mid:0',
  'a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level',
  'a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time',
  'a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
  'a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid',
  'a=sendonly',
  'a=msid:7d3c5d1e-8f3a-4c0e-9b1a-2f6c3e9a1b2c 5b0e1f7a-3c2d-4e6f-8a9b-0c1d2e3f4a5b',
  'a=rtcp-mux',
  'a=rtcp-rsize',
  'a=rtpmap:111 opus/48000/2',
  'a=rtcp-fb:111 transport-cc',
  'a=fmtp:111 minptime=10;useinbandfec=1',
  'a=rtpmap:63 red/48000/2',
  'a=fmtp:63 111/111',
  'a=rtpmap:9 G722/8000',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:13 CN/8000',
  'a=rtpmap:110 telephone-event/48000',
  'a=rtpmap:126 telephone-event/8000',
  'a=ssrc:1129482830 cname:t8Hx0cVq9yZ1pWmA',
  'a=ssrc:1129482830 msid:7d3c5d1e-8f3a-4c0e-9b1a-2f6c3e9a1b2c 5b0e1f7a-3c2d-4e6f-8a9b-0c1d2e3f4a5b',
  'm=video 9 UDP/TLS/RTP/SAVPF 96 97 98 99 102 103',
  'c=IN IP4 0.0.0.0',
  'a=rtcp:9 IN IP4 0.0.0.0',
  'a=ice-ufrag:Bq8x',
  'a=ice-pwd:kLzVQm0o7wB2kP3n9cXyT1aE',
  'a=ice-options:trickle',
  'a=fingerprint:sha-256 7B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64:1A:24:C2:43:F0:A1:58:D0:A1:2C:19:08',
  'a=setup:actpass',
  'a=mid:1',
  'a=extmap:14 urn:ietf:params:rtp-hdrext:toffset',
  'a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time',
  'a=extmap:13 urn:3gpp:video-orientation',
  'a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
  'a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid',
  'a=sendonly',
  'a=msid:7d3c5d1e-8f3a-4c0e-9b1a-2f6c3e9a1b2c 9e8d7c6b-5a4f-4e3d-2c1b-0a9f8e7d6c5b',
  'a=rtcp-mux',
  'a=rtcp-rsize',
  'a=rtpmap:96 VP8/90000',
  'a=rtcp-fb:96 goog-remb',
  'a=rtcp-fb:96 transport-cc',
  'a=rtcp-fb:96 ccm fir',
  'a=rtcp-fb:96 nack',
  'a=rtcp-fb:96 nack pli',
  'a=rtpmap:97 rtx/90000',
  'a=fmtp:97 apt=96',
  'a=rtpmap:98 VP9/90000',
  'a=rtcp-fb:98 transport-cc',
  'a=rtcp-fb:98 nack pli',
  'a=fmtp:98 profile-id=0',
  'a=rtpmap:99 rtx/90000',
  'a=fmtp:99 apt=98',
  'a=rtpmap:102 H264/90000',
  'a=rtcp-fb:102 transport-cc',
  'a=rtcp-fb:102 nack pli',
  'a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f',
  'a=rtpmap:103 rtx/90000',
  'a=fmtp:103 apt=102',
  'a=ssrc-group:FID 2231627014 632943048',
  'a=ssrc:2231627014 cname:t8Hx0cVq9yZ1pWmA',
  'a=ssrc:632943048 cname:t8Hx0cVq9yZ1pWmA',
  '',
].join('\r\n');

/**
 * A browser's answer to a subscriber offer: the same m-lines, receive-only, taking the DTLS client role. Good
 * enough to drive the server's `subscriberAnswer` path with the offer it really sent.
 */
export function answerFor(offer: string): string {
  return offer
    .split(/\r?\n/)
    .filter((line) => !line.startsWith('a=candidate:') && !line.startsWith('a=end-of-candidates'))
    .map((line) => {
      if (line === 'a=sendonly' || line === 'a=sendrecv') return 'a=recvonly';
      if (line.startsWith('a=setup:')) return 'a=setup:active';
      if (line.startsWith('a=ice-ufrag:')) return 'a=ice-ufrag:Zx9q';
      if (line.startsWith('a=ice-pwd:')) return 'a=ice-pwd:pP4mV0c7wB2kQ3n9cXyT1aEz';
      if (line.startsWith('o=')) return 'o=- 8022541711326913427 2 IN IP4 127.0.0.1';
      return line;
    })
    .join('\r\n');
}

/** The answer used before any real subscriber offer has arrived. */
export const BROWSER_ANSWER = answerFor(BROWSER_OFFER.replaceAll('a=sendonly', 'a=sendrecv'));

export interface SeedContext {
  room: string;
  name: string;
  /** The last subscriber offer this socket received, if any: the seed answer is built from it. */
  subscriberOffer?: string;
  /** The last resume token this socket was given in `joined`, if any. */
  resumeToken?: string;
}

/** One valid message of each client type, in the order a browser sends them. */
export const SEED_TYPES = [
  'join',
  'publish',
  'trickle',
  'subscriberAnswer',
  'ping',
  'mediaState',
  'chat',
  'hand',
  'reaction',
  'restartPublisherIce',
  'restartSubscriberIce',
  'leave',
  'resume',
  'peerSignal',
  'directMedia',
  'setRoomLock',
  'answerKnock',
  'removeParticipant',
  'muteAll',
  'setRoomPassword',
  'screenShare',
  'videoLayers',
] as const;
export type SeedType = (typeof SEED_TYPES)[number];

export function seedMessage(type: SeedType, context: SeedContext, id: string | number): ClientMessage {
  switch (type) {
    case 'join':
      return { type, id, room: context.room, name: context.name };
    case 'publish':
      return { type, id, sdp: BROWSER_OFFER };
    case 'subscriberAnswer':
      return {
        type,
        id,
        sdp: context.subscriberOffer ? answerFor(context.subscriberOffer) : BROWSER_ANSWER,
      };
    case 'trickle':
      return {
        type,
        id,
        target: 'publisher',
        candidate: {
          candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host generation 0',
          sdpMid: '0',
          sdpMLineIndex: 0,
        },
      };
    case 'ping':
    case 'restartSubscriberIce':
    case 'leave':
      return { type, id };
    case 'restartPublisherIce':
      return { type, id, sdp: BROWSER_OFFER };
    case 'resume':
      // The socket's own token once it has one (a resume of a live participant), else a well-formed stranger.
      return { type, id, token: context.resumeToken ?? 'A'.repeat(43) };
    case 'peerSignal':
      // A well-formed stranger as the peer: refused with not_direct unless the two are a direct pair.
      return { type, id, to: 'p_stranger', description: { type: 'offer', sdp: BROWSER_OFFER } };
    case 'directMedia':
      return { type, id, peerId: 'p_stranger', receiving: true };
    // Host actions: valid from a room's first fuzzer (its host), forbidden from the others. The valid seeds
    // leave the room open (unlocked, no password) so the other fuzzers still get in; mutations flip that.
    case 'setRoomLock':
      return { type, id, locked: false };
    case 'answerKnock':
      return { type, id, waitingId: 'w_stranger', admit: true };
    case 'removeParticipant':
      return { type, id, participantId: 'p_stranger' };
    case 'muteAll':
      return { type, id };
    case 'setRoomPassword':
      return { type, id, password: null };
    case 'mediaState':
      return { type, id, micMuted: true, cameraOff: false };
    case 'chat':
      // A link and markup: the server must relay it as text, and the mutator has both to break.
      return { type, id, text: 'see https://example.org/a?b=1 <b>now</b> 👍' };
    case 'hand':
      return { type, id, raised: true };
    case 'reaction':
      return { type, id, emoji: '🎉' };
    case 'screenShare':
      return { type, id, active: true };
    case 'videoLayers':
      // Its own id once joined would be skipped; a stranger is skipped too: both must leave the server well.
      return {
        type,
        id,
        streams: [
          { participantId: 'p_stranger', source: 'camera', layer: 'low' },
          { participantId: 'p_stranger', source: 'screen', layer: 'off' },
        ],
      };
  }
}

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_SDP_CHARS } from '@backdrop/protocol';
import { describe, expect, it } from 'vitest';
import { checkPublisherOffer } from './publisher-offer.js';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8');
// Real offers, captured from the browsers on this machine with fake devices and send-only transceivers as
// packages/client adds them. Chromium 156: microphone, camera and a second video (the screen's m-line).

const chromium = fixture('chromium-offer.sdp');
// Firefox ESR 153 (no OpenH264 here): microphone and camera.
const firefox = fixture('firefox-offer.sdp');

function reason(sdp: string): string {
  const result = checkPublisherOffer(sdp);
  return result.ok ? 'ok' : result.reason;
}

/** The m-line sections of an offer (each from its m= line up to the next), after the session part. */
function sections(sdp: string): { session: string; media: string[] } {
  const [session, ...media] = sdp.split(/(?=^m=)/m);
  return { session: session!, media };
}

describe('checkPublisherOffer', () => {
  it('accepts real Chromium and Firefox publisher offers', () => {
    expect(reason(chromium)).toBe('ok');
    expect(reason(firefox)).toBe('ok');
    expect(reason(chromium.replace(/\r\n/g, '\n'))).toBe('ok');
  });

  it('accepts a stopped (port 0) m-line beside the live ones', () => {
    const { session, media } = sections(firefox);
    const stopped = media[1]!.replace('m=video 9 ', 'm=video 0 ').replace('a=sendonly', 'a=inactive');
    expect(reason(session + media.join('') + stopped)).toBe('ok');
  });

  it('refuses what is not SDP, or too big', () => {
    expect(reason('')).toMatch(/not SDP/);
    expect(reason('hello')).toMatch(/v=0/);
    expect(reason(firefox.replace('s=-\r\n', ''))).toMatch(/no s= line/);
    expect(reason(firefox.replace('a=rtcp-mux', 'rtcp-mux'))).toMatch(/not type=value/);
    expect(reason(firefox.replace('m=audio 9 UDP', 'm=audio x UDP'))).toMatch(/malformed m-line/);
    expect(reason(`${chromium}a=x:${'y'.repeat(MAX_SDP_CHARS)}\r\n`)).toMatch(/longer than/);
    expect(reason(`${firefox}a=x:${'y'.repeat(2000)}\r\n`)).toMatch(/line \d+ is longer/);
    expect(reason(firefox + 'a=x\r\n'.repeat(1000))).toMatch(/more than 1000 lines/);
  });

  it('refuses lines Janus 1.1.2 fails to parse (found by the fuzzer): empty attributes, two c= in a section', () => {
    expect(reason(firefox.replace(/a=mid:\S+/, 'a=mid:'))).toMatch(/malformed attribute/);
    expect(reason(firefox.replace('a=rtcp-mux', 'a='))).toMatch(/malformed attribute/);
    expect(reason(firefox.replace('a=rtcp-mux', 'a=:x'))).toMatch(/malformed attribute/);
    expect(reason(firefox.replace(/a=mid:\S+/, `a=mid:${'m'.repeat(17)}`))).toMatch(/mid too long/);
    expect(reason(firefox.replace(/a=mid:\S+/, `a=mid:${'m'.repeat(16)}`))).toBe('ok');
    expect(reason(firefox.replace(/(c=IN IP4 \S+\r\n)/, '$1c=IN IP4 1.1.1.1\r\n'))).toMatch(/second c= line/);
  });

  it('refuses directions other than send-only', () => {
    for (const dir of ['recvonly', 'sendrecv', 'inactive']) {
      expect(reason(chromium.replace('a=sendonly', `a=${dir}`))).toMatch(new RegExp(`: ${dir}`));
    }
    // No direction at all means sendrecv.
    expect(reason(firefox.replaceAll('a=sendonly\r\n', ''))).toMatch(/sendrecv/);
  });

  it('refuses an answer (a=setup other than actpass)', () => {
    expect(reason(firefox.replaceAll('a=setup:actpass', 'a=setup:active'))).toMatch(/not an offer/);
  });

  it('refuses more m-lines than the product sends, and other media', () => {
    const { session, media } = sections(chromium);
    expect(reason(session + media[0] + media[0] + media[0] + media[1])).toMatch(/more than 2 audio/);
    expect(reason(session + media.join('') + media[2])).toMatch(/more than 2 video/);
    expect(reason(session + 'm=video 9 UDP/TLS/RTP/SAVPF 96\r\n'.repeat(7))).toMatch(/more than 6 m-lines/);
    const data = 'm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=sctp-port:5000\r\n';
    expect(reason(session + media[0] + data)).toMatch(/only audio and video/);
    expect(reason(chromium.replace('m=audio 9 UDP/TLS/RTP/SAVPF', 'm=audio 9 RTP/AVP'))).toMatch(/protocol/);
    expect(reason(session)).toMatch(/no m-lines/);
  });

  it('refuses unknown codecs, missing rtpmaps, too many payload types, and offers without the room codec', () => {
    expect(reason(firefox.replace('a=rtpmap:9 G722/8000/1', 'a=rtpmap:9 SPEEX/8000/1'))).toMatch(
      /unknown codec speex/,
    );
    expect(reason(chromium.replace('a=rtpmap:98 VP9/90000', 'a=rtpmap:98 MP4V-ES/90000'))).toMatch(
      /unknown codec mp4v-es/,
    );
    expect(reason(firefox.replace('a=rtpmap:101 telephone-event/8000/1\r\n', ''))).toMatch(
      /101 has no rtpmap/,
    );
    expect(reason(firefox.replace('0 8 101', '0 8 101 300'))).toMatch(/not 0-127/);
    const many = Array.from({ length: 65 }, (_, i) => String(i)).join(' ');
    expect(
      reason(
        firefox.replace('m=audio 9 UDP/TLS/RTP/SAVPF 109 9 0 8 101', `m=audio 9 UDP/TLS/RTP/SAVPF ${many}`),
      ),
    ).toMatch(/more than 64 payload types/);
    // Only PCMU (static payload type 0, no rtpmap needed) and no opus.
    const { session, media } = sections(firefox);
    const pcmuOnly = media[0]!.replace('109 9 0 8 101', '0');
    expect(reason(session + pcmuOnly + media[1])).toMatch(/does not offer opus/);
    const noVp8 = media[1]!.replace('120 124 121 125 99 100 123 122 119', '121 125 99 100');
    expect(reason(session + media[0] + noVp8)).toMatch(/does not offer vp8/);
  });
});

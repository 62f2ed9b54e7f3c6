/**
 * SDP-aware mutations: the SDP is split into its session part and m-sections, and one of them is changed the
 * way a broken or hostile browser would (extra m-lines, wrong directions, unknown codecs, huge attributes).
 * Pure.
 */
import { MAX_SDP_CHARS } from '@backdrop/protocol';
import type { Rng } from './prng.js';

interface Sdp {
  session: string[];
  media: string[][];
  eol: string;
}

function split(sdp: string): Sdp {
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
  const lines = sdp.split(/\r?\n/).filter((l) => l !== '');
  const session: string[] = [];
  const media: string[][] = [];
  for (const line of lines) {
    if (line.startsWith('m=')) media.push([line]);
    else if (media.length > 0) media.at(-1)!.push(line);
    else session.push(line);
  }
  return { session, media, eol };
}

function join(sdp: Sdp): string {
  return [...sdp.session, ...sdp.media.flat(), ''].join(sdp.eol);
}

const DIRECTIONS = ['a=sendonly', 'a=recvonly', 'a=sendrecv', 'a=inactive'];
const DIRECTION = /^a=(sendonly|recvonly|sendrecv|inactive)$/;
const CODEC_NAMES = ['FOO', 'AV1', 'H265', 'opus', 'VP8', 'x'.repeat(300), '', 'rtx', 'ulpfec', 'VP8\u0000'];
const MEDIA_KINDS = ['audio', 'video', 'application', 'text', 'message', 'AUDIO', ''];

type SdpMutator = (sdp: Sdp, rng: Rng) => void;

/** The SDP mutations by name; the fuzzer reports how often each ran. */
export const SDP_MUTATIONS: Record<string, SdpMutator> = {
  duplicateMedia(sdp, rng) {
    if (sdp.media.length === 0) return;
    const copies = rng.pick([1, 2, 5, 40]);
    const section = rng.pick(sdp.media);
    for (let i = 0; i < copies; i++) sdp.media.push([...section]);
  },
  dropMedia(sdp, rng) {
    if (sdp.media.length > 0) sdp.media.splice(rng.int(sdp.media.length), 1);
  },
  flipDirection(sdp, rng) {
    for (const section of sdp.media) {
      if (!rng.chance(0.7)) continue;
      const at = section.findIndex((l) => DIRECTION.test(l));
      const direction = rng.pick(DIRECTIONS);
      if (at >= 0) section[at] = direction;
      else section.push(direction);
    }
    if (rng.chance(0.2)) sdp.session.push(rng.pick(DIRECTIONS));
  },
  dropDirection(sdp) {
    for (const section of sdp.media) {
      const at = section.findIndex((l) => DIRECTION.test(l));
      if (at >= 0) section.splice(at, 1);
    }
  },
  renameCodec(sdp, rng) {
    for (const section of sdp.media) {
      for (let i = 0; i < section.length; i++) {
        const match = /^a=rtpmap:(\d+) ([^/]*)\/(.*)$/.exec(section[i]!);
        if (match && rng.chance(0.5))
          section[i] = `a=rtpmap:${match[1]} ${rng.pick(CODEC_NAMES)}/${match[3]}`;
      }
    }
  },
  payloadTypes(sdp, rng) {
    const section = rng.pick(sdp.media.length > 0 ? sdp.media : [sdp.session]);
    const values = ['-1', '128', '99999999999', 'abc', '', '96 96 96', '0x60', '1.5'];
    section[0] = (section[0] ?? 'm=video 9 UDP/TLS/RTP/SAVPF').replace(/( \d+)+$/, ` ${rng.pick(values)}`);
  },
  mediaLine(sdp, rng) {
    if (sdp.media.length === 0) return;
    const section = rng.pick(sdp.media);
    const port = rng.pick(['0', '9', '65536', '-1', '9/2', '']);
    const proto = rng.pick(['UDP/TLS/RTP/SAVPF', 'RTP/AVP', 'UDP/DTLS/SCTP', 'TCP/TLS/RTP/SAVPF', '']);
    section[0] = `m=${rng.pick(MEDIA_KINDS)} ${port} ${proto} ${rng.pick(['111', '96 97', 'webrtc-datachannel', ''])}`;
  },
  hugeAttribute(sdp, rng) {
    const length = rng.pick([1000, 16 * 1024, MAX_SDP_CHARS - 200, MAX_SDP_CHARS + 10]);
    const target = rng.pick(sdp.media.length > 0 ? sdp.media : [sdp.session]);
    const name = rng.pick(['a=x-huge:', 'a=fmtp:96 ', 'a=ssrc:1 cname:', 'a=candidate:', 'a=extmap:1 ']);
    target.push(name + 'A'.repeat(length));
  },
  manyLines(sdp, rng) {
    const count = rng.pick([500, 3000]);
    const target = rng.pick(sdp.media.length > 0 ? sdp.media : [sdp.session]);
    for (let i = 0; i < count; i++) target.push(`a=ssrc:${i} cname:x`);
  },
  dropLine(sdp, rng) {
    const important =
      /^(v=|o=|s=|t=|a=fingerprint|a=ice-ufrag|a=ice-pwd|a=mid|a=group|a=setup|c=|a=rtcp-mux)/;
    for (const section of [sdp.session, ...sdp.media]) {
      for (let i = section.length - 1; i >= 0; i--) {
        if (important.test(section[i]!) && rng.chance(0.4)) section.splice(i, 1);
      }
    }
  },
  garbleLine(sdp, rng) {
    const section = rng.pick([sdp.session, ...sdp.media]);
    if (section.length === 0) return;
    const i = rng.int(section.length);
    const garbage = [
      '',
      '=',
      'a=',
      'x',
      '\u0000',
      'a=rtpmap:',
      'a=fmtp:96',
      'm=',
      'a=ssrc-group:FID',
      '\ud800',
    ];
    section[i] = rng.chance(0.5) ? rng.pick(garbage) : `${section[i]}${rng.pick(garbage)}`;
  },
  mids(sdp, rng) {
    const mid = rng.pick(['0', '', 'x'.repeat(200), '../', '\u202e', '0 1']);
    for (const section of sdp.media) {
      const at = section.findIndex((l) => l.startsWith('a=mid:'));
      if (at >= 0) section[at] = `a=mid:${mid}`;
    }
    if (rng.chance(0.5))
      sdp.session = sdp.session.map((l) => (l.startsWith('a=group:') ? `a=group:BUNDLE ${mid}` : l));
  },
  lineEndings(sdp, rng) {
    sdp.eol = rng.pick(['\n', '\r', '\r\r\n', ' ', '']);
  },
  shuffle(sdp, rng) {
    const all = [...sdp.session, ...sdp.media.flat()];
    for (let i = all.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [all[i], all[j]] = [all[j]!, all[i]!];
    }
    const reparsed = split(all.join('\r\n'));
    sdp.session = reparsed.session;
    sdp.media = reparsed.media;
  },
  dataChannel(sdp) {
    sdp.media.push([
      'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
      'c=IN IP4 0.0.0.0',
      `a=mid:${sdp.media.length}`,
      'a=sctp-port:5000',
    ]);
  },
};

export const SDP_MUTATION_NAMES = Object.keys(SDP_MUTATIONS);

/** Applies one or two SDP mutations; returns the new SDP and the names of what was done. */
export function mutateSdp(sdp: string, rng: Rng): { sdp: string; names: string[] } {
  const parsed = split(sdp);
  const names: string[] = [];
  const count = rng.chance(0.25) ? 2 : 1;
  for (let i = 0; i < count; i++) {
    const name = rng.pick(SDP_MUTATION_NAMES);
    SDP_MUTATIONS[name]!(parsed, rng);
    names.push(name);
  }
  return { sdp: join(parsed), names };
}

import { MAX_SDP_CHARS } from '@backdrop/protocol';

/**
 * Checks a publisher's SDP offer before it reaches Janus: bounded size, well-formed lines, an offer
 * (`a=setup:actpass`) whose live m-lines are all send-only, at most the m-lines the product sends (microphone
 * and camera, screen video and its tab/system audio), and only codecs browsers send, including the room's own.
 * Pure.
 */

export const MAX_SDP_LINES = 1000;
export const MAX_SDP_LINE_CHARS = 1024;
/** m-lines in one offer, live or stopped (port 0): a renegotiated offer keeps the stopped ones. */
export const MAX_M_LINES = 6;
export const MAX_PAYLOAD_TYPES_PER_M_LINE = 64;
/** Live (port ≠ 0) m-lines of each kind: microphone and screen audio; camera and screen video. */
export const MAX_LIVE_M_LINES = { audio: 2, video: 2 } as const;

/** Codec names (lower case) browsers put in audio and video m-lines; anything else is refused. */
export const KNOWN_CODECS: Record<'audio' | 'video', ReadonlySet<string>> = {
  audio: new Set(['opus', 'red', 'telephone-event', 'cn', 'g722', 'pcmu', 'pcma']),
  video: new Set(['vp8', 'vp9', 'h264', 'av1', 'h265', 'rtx', 'red', 'ulpfec', 'flexfec-03']),
};

/** Payload types with a static meaning (RFC 3551) a browser may leave without an rtpmap. */
const STATIC_PAYLOAD_TYPES: Record<number, string> = { 0: 'pcmu', 8: 'pcma', 9: 'g722', 13: 'cn' };

export interface RoomCodecs {
  audio: string;
  video: string;
}

/** The codecs our VideoRoom rooms are created with (sfu/videoroom.ts). */
export const ROOM_CODECS: RoomCodecs = { audio: 'opus', video: 'vp8' };

export type OfferCheck = { ok: true } | { ok: false; reason: string };

interface MediaSection {
  kind: string;
  port: number;
  proto: string;
  formats: string[];
  attributes: string[];
  /** c= lines seen in this section. */
  connections: number;
}

const LINE = /^([a-z])=(.*)$/;
/** An attribute (RFC 4566 `attribute`): a token, then optionally `:` and a non-empty value. */
const ATTRIBUTE = /^[!#$%&'*+\-.0-9A-Z^_`a-z{|}~]+(?::.+)?$/;
const M_LINE = /^(\S+) (\d{1,5})(?:\/\d+)? (\S+)((?: \S+)*)$/;
const DIRECTIONS = new Set(['sendonly', 'recvonly', 'sendrecv', 'inactive']);

function refuse(reason: string): OfferCheck {
  return { ok: false, reason };
}

function direction(attributes: readonly string[]): string | undefined {
  return attributes.find((a) => DIRECTIONS.has(a));
}

function setup(attributes: readonly string[]): string | undefined {
  return attributes.find((a) => a.startsWith('setup:'))?.slice('setup:'.length);
}

/** Splits the offer into its session attributes and media sections, or returns why it is not SDP. */
function parse(sdp: string): { session: string[]; media: MediaSection[] } | string {
  const lines = sdp.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  if (lines.length > MAX_SDP_LINES) return `more than ${MAX_SDP_LINES} lines`;
  if (lines[0] !== 'v=0') return 'does not start with v=0';
  const session: string[] = [];
  const media: MediaSection[] = [];
  const seen = new Set<string>();
  const sessionSection = { connections: 0 };
  for (const [index, line] of lines.entries()) {
    if (line.length > MAX_SDP_LINE_CHARS) return `line ${index + 1} is longer than ${MAX_SDP_LINE_CHARS}`;
    const match = LINE.exec(line);
    if (!match) return `line ${index + 1} is not type=value`;
    const [, type, value] = match as unknown as [string, string, string];
    if (type === 'c') {
      // Janus (and RFC 4566) allow one c= per section; more is refused there after it parsed the rest.
      const where = media.at(-1) ?? sessionSection;
      if (where.connections++ > 0) return `line ${index + 1}: a second c= line in one section`;
    }
    if (type === 'm') {
      const m = M_LINE.exec(value);
      if (!m) return `line ${index + 1}: malformed m-line`;
      const [, kind, port, proto, formats] = m as unknown as [string, string, string, string, string];
      if (media.length >= MAX_M_LINES) return `more than ${MAX_M_LINES} m-lines`;
      media.push({
        kind,
        port: Number(port),
        proto,
        formats: formats.trim().split(' '),
        attributes: [],
        connections: 0,
      });
    } else if (type === 'a') {
      if (!ATTRIBUTE.test(value)) return `line ${index + 1}: malformed attribute`;
      // Janus keeps a mid in 16 bytes and refuses longer ones.
      if (value.startsWith('mid:') && value.length > 'mid:'.length + 16)
        return `line ${index + 1}: mid too long`;
      (media.at(-1)?.attributes ?? session).push(value);
    } else if (media.length === 0) {
      seen.add(type);
    }
  }
  for (const required of ['o', 's', 't']) {
    if (!seen.has(required)) return `no ${required}= line`;
  }
  return { session, media };
}

/** Codec name (lower case) of each payload type of a media section, or why they are not acceptable. */
function codecsOf(section: MediaSection): Map<number, string> | string {
  if (section.formats.length > MAX_PAYLOAD_TYPES_PER_M_LINE) {
    return `more than ${MAX_PAYLOAD_TYPES_PER_M_LINE} payload types`;
  }
  const rtpmap = new Map<number, string>();
  for (const attribute of section.attributes) {
    const match = /^rtpmap:(\d{1,3}) ([^/\s]+)\/\d+/.exec(attribute);
    if (match) rtpmap.set(Number(match[1]), match[2]!.toLowerCase());
  }
  const codecs = new Map<number, string>();
  for (const format of section.formats) {
    if (!/^\d{1,3}$/.test(format) || Number(format) > 127) return `payload type ${format} is not 0-127`;
    const pt = Number(format);
    const name = rtpmap.get(pt) ?? STATIC_PAYLOAD_TYPES[pt];
    if (name === undefined) return `payload type ${pt} has no rtpmap`;
    codecs.set(pt, name);
  }
  return codecs;
}

/** Whether `sdp` is a publisher offer the product would send, and if not, why (for a `bad_sdp` reply). */
export function checkPublisherOffer(sdp: string, roomCodecs: RoomCodecs = ROOM_CODECS): OfferCheck {
  if (sdp.length > MAX_SDP_CHARS) return refuse(`longer than ${MAX_SDP_CHARS} characters`);
  const parsed = parse(sdp);
  if (typeof parsed === 'string') return refuse(`not SDP: ${parsed}`);
  const { session, media } = parsed;
  if (media.length === 0) return refuse('no m-lines');
  const live = { audio: 0, video: 0 };
  for (const [index, section] of media.entries()) {
    const where = `m-line ${index + 1} (${section.kind})`;
    if (section.kind !== 'audio' && section.kind !== 'video') return refuse(`${where}: only audio and video`);
    if (section.proto !== 'UDP/TLS/RTP/SAVPF') return refuse(`${where}: protocol ${section.proto}`);
    const codecs = codecsOf(section);
    if (typeof codecs === 'string') return refuse(`${where}: ${codecs}`);
    const unknown = [...codecs.values()].filter((name) => !KNOWN_CODECS[section.kind as 'audio'].has(name));
    if (unknown.length > 0) return refuse(`${where}: unknown codec ${unknown[0]}`);
    // A stopped transceiver (port 0) carries nothing; a renegotiated offer may keep it.
    if (section.port === 0) continue;
    live[section.kind]++;
    if (live[section.kind] > MAX_LIVE_M_LINES[section.kind]) {
      return refuse(`more than ${MAX_LIVE_M_LINES[section.kind]} ${section.kind} m-lines`);
    }
    const dir = direction(section.attributes) ?? direction(session) ?? 'sendrecv';
    if (dir !== 'sendonly') return refuse(`${where}: ${dir}, a publisher only sends`);
    if ((setup(section.attributes) ?? setup(session)) !== 'actpass') {
      return refuse(`${where}: not an offer (a=setup is not actpass)`);
    }
    const required = roomCodecs[section.kind].toLowerCase();
    if (![...codecs.values()].includes(required)) return refuse(`${where}: does not offer ${required}`);
  }
  if (live.audio + live.video === 0) return refuse('every m-line is stopped');
  return { ok: true };
}

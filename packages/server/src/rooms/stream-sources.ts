import type { MediaSource, VideoLayer } from '@backdrop/protocol';

/**
 * Which source each m-line of a publisher's offer carries, by the order the client SDK adds them (fixed, from
 * the first publish, so a share needs no renegotiation): the first audio and first video are the microphone
 * and the camera, the second of each kind the screen share (its video, and tab/system audio). Stopped m-lines
 * (port 0) count too, so a mid keeps its meaning across renegotiations. Pure.
 */
export function publisherSources(sdp: string): Map<string, MediaSource> {
  const sources = new Map<string, MediaSource>();
  const seen = { audio: 0, video: 0 };
  let kind: 'audio' | 'video' | undefined;
  for (const line of sdp.split(/\r?\n/)) {
    if (line.startsWith('m=')) {
      const k = line.slice(2).split(' ')[0];
      kind = k === 'audio' || k === 'video' ? k : undefined;
      if (kind) seen[kind]++;
    } else if (kind && line.startsWith('a=mid:')) {
      sources.set(line.slice('a=mid:'.length).trim(), seen[kind] === 1 ? 'camera' : 'screen');
    }
  }
  return sources;
}

/**
 * Every audio/video m-line of a publisher's offer in order (its mindex), with the source it carries, by the same
 * rule as `publisherSources`: what a remote publisher on another SFU must mirror, stream for stream. Pure.
 */
export function publisherLines(sdp: string): { kind: 'audio' | 'video'; source: MediaSource }[] {
  const lines: { kind: 'audio' | 'video'; source: MediaSource }[] = [];
  const seen = { audio: 0, video: 0 };
  for (const line of sdp.split(/\r?\n/)) {
    if (!line.startsWith('m=')) continue;
    const kind = line.slice(2).split(' ')[0];
    if (kind !== 'audio' && kind !== 'video') break; // a data channel ends what a remote publisher mirrors
    seen[kind]++;
    lines.push({ kind, source: seen[kind] === 1 ? 'camera' : 'screen' });
  }
  return lines;
}

/** What the SFU is asked to do with one subscribed m-line: relay it or not, and which simulcast layer. */
export interface StreamSetting {
  send: boolean;
  /** VideoRoom `substream` (0 lowest .. 2 highest) for a simulcast video; undefined: leave as is. */
  substream?: 0 | 1 | 2 | undefined;
}

/** VideoRoom's substream index of each layer (rid l, m, h are published lowest first). */
const SUBSTREAM: Record<Exclude<VideoLayer, 'off'>, 0 | 1 | 2> = { low: 0, medium: 1, high: 2 };

/** VideoRoom's substream of the top layer: what it relays of a simulcast video unless told otherwise. */
export const TOP_SUBSTREAM = 2;

/**
 * The highest substream of a camera video whose feed has just resumed (see RESUME_RAMP_MS): the middle one.
 * A publisher lifts its idle caps (client simulcast.ts) when its two-person room moves to the SFU, and its
 * bandwidth estimate can fall from ~1.5 Mbit/s to ~300 kbit/s at that burst; it then turns its top layer off
 * for ~2 s. A subscriber that was on the top layer before the pause got no frames for that time, with the
 * middle layer flowing (p2p.e2e, sender and receiver stats sampled every 200 ms). The resume's key frame
 * request gives a key frame on every layer, so starting on the middle one costs no wait.
 */
export const RESUME_SUBSTREAM = 1;

/**
 * The setting of one subscribed stream: paused when its feed is paused (the direct path carries it) or when
 * it is a video the receiver does not show (`off`); a camera video gets the substream of its layer, at most
 * RESUME_SUBSTREAM while `resuming`; audio and screen video get no substream (single layer). No preference
 * yet: relayed, the SFU's default layer (or RESUME_SUBSTREAM while resuming). Pure.
 */
export function streamSetting(options: {
  kind: 'audio' | 'video';
  source: MediaSource;
  feedPaused: boolean;
  layer: VideoLayer | undefined;
  /** The feed resumed moments ago (the subscription's ramp). */
  resuming?: boolean;
}): StreamSetting {
  const { kind, source, feedPaused, layer, resuming = false } = options;
  if (feedPaused) return { send: false };
  if (kind === 'audio') return { send: true };
  if (layer === 'off') return { send: false };
  if (source !== 'camera') return { send: true };
  const substream = layer === undefined ? undefined : SUBSTREAM[layer];
  if (resuming)
    return { send: true, substream: Math.min(substream ?? TOP_SUBSTREAM, RESUME_SUBSTREAM) as 0 | 1 };
  return substream === undefined ? { send: true } : { send: true, substream };
}

/**
 * What to ask of the SFU for a stream: `wanted`, except that a camera video with no layer asked for, whose
 * substream the SFU was told before (by a resume's ramp), gets the top one back explicitly: the SFU keeps the
 * last substream it was given. Pure.
 */
export function settingToApply(
  wanted: StreamSetting,
  applied: StreamSetting | undefined,
  stream: { kind: 'audio' | 'video'; source: MediaSource },
): StreamSetting {
  const camera = stream.kind === 'video' && stream.source === 'camera';
  if (camera && wanted.send && wanted.substream === undefined && applied?.substream !== undefined)
    return { ...wanted, substream: TOP_SUBSTREAM };
  return wanted;
}

export function sameSetting(a: StreamSetting | undefined, b: StreamSetting): boolean {
  return a !== undefined && a.send === b.send && a.substream === b.substream;
}

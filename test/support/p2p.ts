import type { Page } from 'playwright-core';

/** Where the video a remote tile shows comes from, read in the page (see recordPeerConnections). */
export interface TileSource {
  name: string;
  /** `direct`: a receiver of the browser-to-browser PeerConnection (it has the data channel); `sfu`: another. */
  source: 'direct' | 'sfu' | 'none';
  frames: number;
  /** The video's width as shown now (the simulcast layer relayed, for an SFU track). */
  width: number;
}

/** The path each remote tile's video track arrives on, and its decoded frame count. */
export function tileSources(page: Page): Promise<TileSource[]> {
  return page.evaluate(() => {
    const pcs = (window as unknown as { __backdropPcs: RTCPeerConnection[] }).__backdropPcs;
    const open = pcs.filter((pc) => pc.connectionState !== 'closed');
    return [...document.querySelectorAll<HTMLVideoElement>('video[data-participant-name]')].map((video) => {
      const track = (video.srcObject as MediaStream | null)?.getVideoTracks()[0];
      const pc = track && open.find((p) => p.getReceivers().some((r) => r.track === track));
      return {
        name: video.dataset.participantName ?? '',
        source: pc ? (pc.sctp ? 'direct' : 'sfu') : 'none',
        frames: video.getVideoPlaybackQuality().totalVideoFrames,
        width: video.videoWidth,
      } as const;
    });
  });
}

/** The selected candidate pair of each open PeerConnection: ports, and whether it is the direct one. */
export interface PairPorts {
  direct: boolean;
  localPort: number | undefined;
  remotePort: number | undefined;
  rttMs: number | undefined;
  bytesReceived: number;
  bytesSent: number;
}

export function pairPorts(page: Page): Promise<PairPorts[]> {
  return page.evaluate(async () => {
    const pcs = (window as unknown as { __backdropPcs: RTCPeerConnection[] }).__backdropPcs;
    const out = [];
    for (const pc of pcs) {
      if (pc.connectionState === 'closed') continue;
      const stats = new Map<string, Record<string, unknown>>();
      for (const s of (await pc.getStats()).values() as Iterable<Record<string, unknown>>)
        stats.set(s.id as string, s);
      const transport = [...stats.values()].find((s) => s.type === 'transport');
      const pair = stats.get(transport?.selectedCandidatePairId as string);
      const rtt = pair?.currentRoundTripTime as number | undefined;
      out.push({
        direct: pc.sctp !== null,
        localPort: stats.get(pair?.localCandidateId as string)?.port as number | undefined,
        remotePort: stats.get(pair?.remoteCandidateId as string)?.port as number | undefined,
        rttMs: rtt === undefined ? undefined : rtt * 1000,
        bytesReceived: (transport?.bytesReceived as number | undefined) ?? 0,
        bytesSent: (transport?.bytesSent as number | undefined) ?? 0,
      });
    }
    return out;
  });
}

/**
 * Records, in the page, when each remote tile's frame count goes up, and to what (sampled every 20 ms,
 * Date.now()), so a test can find the longest freeze over a switch of path. requestVideoFrameCallback is not
 * used: in headless Chromium on a loaded machine it stopped firing for seconds while frames were still decoded.
 * The count (`getVideoPlaybackQuality`) is kept by Chromium's video compositor off the page's main thread, and
 * frames are shown while that thread is busy; the sampler runs on it, so it can come late.
 */
export function watchFramePresentation(page: Page): Promise<void> {
  return page.evaluate(() => {
    const w = window as unknown as { __frameTimes: Record<string, [number, number][]> };
    w.__frameTimes ??= {};
    const last = new Map<string, number>();
    setInterval(() => {
      for (const video of document.querySelectorAll<HTMLVideoElement>('video[data-participant-name]')) {
        const name = video.dataset.participantName ?? '';
        const frames = video.getVideoPlaybackQuality().totalVideoFrames;
        if (frames !== last.get(name))
          w.__frameTimes[name] = [...(w.__frameTimes[name] ?? []), [Date.now(), frames]];
        last.set(name, frames);
      }
    }, 20);
  });
}

/**
 * The longest time without a new frame of `name`'s tile between `from` and `to` (Date.now() ms). When the
 * sampler came late (the page's main thread was busy) and found several new frames at once, those frames were
 * shown during the wait: the wait counts as that many even gaps, not as one freeze. A count that went down (the
 * element's track changed) counts as one frame.
 */
export async function longestFreeze(
  page: Page,
  name: string,
  from: number,
  to: number,
): Promise<{
  longest: number;
  frames: number;
  /** When the longest gap began (Date.now()). */
  gapFrom: number;
}> {
  const samples = await page.evaluate(
    (n) => (window as unknown as { __frameTimes: Record<string, [number, number][]> }).__frameTimes[n] ?? [],
    name,
  );
  let longest = 0;
  let gapFrom = from;
  let frames = 0;
  let at = from;
  let previous: number | undefined = samples.filter(([t]) => t <= from).at(-1)?.[1];
  for (const [t, count] of samples) {
    if (t <= from) continue;
    if (t >= to) break;
    const shown = previous === undefined || count <= previous ? 1 : count - previous;
    if ((t - at) / shown > longest) {
      longest = (t - at) / shown;
      gapFrom = at;
    }
    frames += shown;
    at = t;
    previous = count;
  }
  if (to - at > longest) {
    longest = to - at;
    gapFrom = at;
  }
  return { longest: Math.round(longest), frames, gapFrom };
}

/** Every `mediaPath` message a page's signalling socket receives, with Date.now() at arrival. */
export function recordMediaPaths(page: Page): { at: number; path: string }[] {
  const seen: { at: number; path: string }[] = [];
  page.on('websocket', (ws) =>
    ws.on('framereceived', (frame) => {
      const text = typeof frame.payload === 'string' ? frame.payload : frame.payload.toString();
      if (!text.includes('"mediaPath"')) return;
      const message = JSON.parse(text) as { path: string };
      seen.push({ at: Date.now(), path: message.path });
    }),
  );
  return seen;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** One sample of the SFU PeerConnection's inbound video streams (see watchSfuVideo). */
export interface InboundSample {
  at: number;
  /** By the receiver's mid: packets, frames received, frames decoded, key frames decoded, PLIs sent, width. */
  streams: Record<string, [number, number, number, number, number, number]>;
}

/** One sample of the SFU PeerConnection's outbound video (see watchSfuVideo). */
export interface OutboundSample {
  at: number;
  /** The selected candidate pair's availableOutgoingBitrate (bit/s), 0 if none. */
  available: number;
  /** By rid: frames encoded, frames sent, bytes sent, width, target bitrate, quality limitation. */
  layers: Record<string, [number, number, number, number, number, string]>;
}

/**
 * Samples the video of the page's SFU PeerConnections every 200 ms (one getStats per PeerConnection) until
 * `stop` is called, so a slow switch to the SFU can say where the time went: inbound (no packets, packets but
 * no decodable frame, PLIs unanswered) and the page's own simulcast layers (a layer never sent: the encoder or
 * the bandwidth estimate).
 */
export async function watchSfuVideo(
  page: Page,
): Promise<{ stop(): Promise<{ inbound: InboundSample[]; outbound: OutboundSample[] }> }> {
  await page.evaluate(() => {
    const w = window as unknown as {
      __backdropPcs: RTCPeerConnection[];
      __sfuVideo?: { timer: number; inbound: unknown[]; outbound: unknown[] };
    };
    if (w.__sfuVideo) clearInterval(w.__sfuVideo.timer);
    const inbound: unknown[] = [];
    const outbound: unknown[] = [];
    const timer = window.setInterval(async () => {
      const streams: Record<string, unknown[]> = {};
      const layers: Record<string, unknown[]> = {};
      let available = 0;
      for (const pc of w.__backdropPcs) {
        if (pc.connectionState === 'closed' || pc.sctp) continue;
        const stats = [...((await pc.getStats()).values() as Iterable<Record<string, unknown>>)];
        const n = (s: Record<string, unknown>, k: string) =>
          typeof s[k] === 'number' ? (s[k] as number) : 0;
        for (const s of stats) {
          if (s.type !== 'inbound-rtp' || s.kind !== 'video') continue;
          streams[String(s.mid)] = [
            n(s, 'packetsReceived'),
            n(s, 'framesReceived'),
            n(s, 'framesDecoded'),
            n(s, 'keyFramesDecoded'),
            n(s, 'pliCount'),
            n(s, 'frameWidth'),
          ];
        }
        const sent = stats.filter((s) => s.type === 'outbound-rtp' && s.kind === 'video' && s.rid);
        if (sent.length < 2) continue;
        for (const s of sent)
          layers[String(s.rid)] = [
            n(s, 'framesEncoded'),
            n(s, 'framesSent'),
            n(s, 'bytesSent'),
            n(s, 'frameWidth'),
            n(s, 'targetBitrate'),
            String(s.qualityLimitationReason ?? ''),
          ];
        const pair = stats.find((s) => s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded');
        if (pair) available = n(pair, 'availableOutgoingBitrate');
      }
      const at = Date.now();
      inbound.push({ at, streams });
      outbound.push({ at, available, layers });
    }, 200);
    w.__sfuVideo = { timer, inbound, outbound };
  });
  return {
    stop: () =>
      page.evaluate(() => {
        const w = window as unknown as {
          __sfuVideo?: { timer: number; inbound: InboundSample[]; outbound: OutboundSample[] };
        };
        if (!w.__sfuVideo) return { inbound: [], outbound: [] };
        clearInterval(w.__sfuVideo.timer);
        const { inbound, outbound } = w.__sfuVideo;
        w.__sfuVideo = undefined;
        return { inbound, outbound };
      }),
  };
}

/** The samples as lines relative to `from`, only where a stream's counts changed (a slow switch's story). */
export function describeInbound(samples: readonly InboundSample[], from: number): string {
  const lines: string[] = [];
  let last = '';
  for (const s of samples) {
    const text = Object.entries(s.streams)
      .map(
        ([mid, [p, fr, fd, kf, pli, w]]) =>
          `mid ${mid}: pkts ${p} recv ${fr} dec ${fd} key ${kf} pli ${pli} w ${w}`,
      )
      .join('; ');
    if (text !== last) lines.push(`  +${s.at - from} ms ${text}`);
    last = text;
  }
  return lines.join('\n');
}

/** The samples as lines relative to `from`: per layer, frames encoded/sent in the last step, kbit/s, width. */
export function describeOutbound(samples: readonly OutboundSample[], from: number): string {
  const lines: string[] = [];
  for (let i = 1; i < samples.length; i++) {
    const [a, b] = [samples[i - 1]!, samples[i]!];
    const seconds = (b.at - a.at) / 1000;
    const text = Object.entries(b.layers)
      .map(([rid, [enc, sent, bytes, width, target, limit]]) => {
        const [enc0, sent0, bytes0] = a.layers[rid] ?? [enc, sent, bytes];
        const kbps = Math.round(((bytes - bytes0) * 8) / 1000 / Math.max(seconds, 0.001));
        return `${rid}: enc +${enc - enc0} sent +${sent - sent0} ${kbps} kbit/s w ${width} target ${Math.round(target / 1000)}k ${limit}`;
      })
      .join('; ');
    lines.push(`  +${b.at - from} ms avail ${Math.round(b.available / 1000)}k ${text}`);
  }
  return lines.join('\n');
}

/**
 * For a failure's report: each open PeerConnection's transceivers (mid, direction, the tracks on both ends),
 * its inbound RTP per mid (packets; frames received and decoded, key frames, PLIs sent for video), its outbound
 * packets per mid, and each remote tile's video and audio element (its tracks, paused, ready state). Enough to
 * tell a stalled element from a track that gets nothing.
 */
export function mediaState(page: Page): Promise<unknown> {
  return page.evaluate(async () => {
    const pcs = (window as unknown as { __backdropPcs: RTCPeerConnection[] }).__backdropPcs;
    const track = (t: MediaStreamTrack | null) =>
      t ? `${t.kind} ${t.id.slice(0, 8)} ${t.readyState}${t.muted ? ' muted' : ''}` : null;
    const out: unknown[] = [];
    for (const pc of pcs) {
      if (pc.connectionState === 'closed') continue;
      const inbound: unknown[] = [];
      const outbound: unknown[] = [];
      for (const s of (await pc.getStats()).values() as Iterable<Record<string, unknown>>) {
        if (s.type === 'outbound-rtp')
          outbound.push({ kind: s.kind, mid: s.mid, packetsSent: s.packetsSent });
        if (s.type !== 'inbound-rtp') continue;
        const { kind, mid, framesReceived, framesDecoded, keyFramesDecoded, pliCount, packetsReceived } = s;
        inbound.push({
          kind,
          mid,
          packetsReceived,
          framesReceived,
          framesDecoded,
          keyFramesDecoded,
          pliCount,
        });
      }
      out.push({
        direct: pc.sctp !== null,
        signalingState: pc.signalingState,
        transceivers: pc.getTransceivers().map((t) => ({
          mid: t.mid,
          direction: t.direction,
          current: t.currentDirection,
          receives: track(t.receiver.track),
          sends: track(t.sender.track),
        })),
        inbound,
        outbound,
      });
    }
    const selector = 'video[data-participant-name], audio[data-participant-name]';
    const tiles = [...document.querySelectorAll<HTMLMediaElement>(selector)].map((v) => ({
      element: v.tagName.toLowerCase(),
      name: v.dataset.participantName,
      paused: v.paused,
      readyState: v.readyState,
      tracks: (v.srcObject as MediaStream | null)?.getTracks().map(track) ?? null,
    }));
    return { pcs: out, tiles };
  });
}

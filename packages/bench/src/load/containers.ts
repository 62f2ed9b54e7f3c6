// Reading the pre-encoded media the load bots send: VP8 frames from an IVF file, Opus packets from an Ogg file.
// Pure: the caller reads the bytes.

export interface VideoFile {
  width: number;
  height: number;
  /** Frames per second, from the IVF time base. */
  fps: number;
  /** One encoded VP8 frame each, in order; `key` marks a key frame. */
  frames: { data: Buffer; key: boolean }[];
}

/** Parses an IVF file (32-byte header, then 12-byte frame headers: size u32 LE, pts u64 LE). */
export function parseIvf(bytes: Buffer): VideoFile {
  if (bytes.length < 32 || bytes.toString('latin1', 0, 4) !== 'DKIF') throw new Error('not an IVF file');
  const fourcc = bytes.toString('latin1', 8, 12);
  if (fourcc !== 'VP80') throw new Error(`IVF holds ${fourcc}, not VP8`);
  const headerSize = bytes.readUInt16LE(6);
  const width = bytes.readUInt16LE(12);
  const height = bytes.readUInt16LE(14);
  const rate = bytes.readUInt32LE(16);
  const scale = bytes.readUInt32LE(20);
  if (rate === 0 || scale === 0) throw new Error('IVF time base is zero');
  const frames: VideoFile['frames'] = [];
  let at = headerSize;
  while (at + 12 <= bytes.length) {
    const size = bytes.readUInt32LE(at);
    const start = at + 12;
    if (start + size > bytes.length) throw new Error(`IVF frame at byte ${at} runs past the end`);
    const data = bytes.subarray(start, start + size);
    // VP8 frame tag (RFC 6386 9.1): bit 0 of the first byte is 0 for a key frame.
    frames.push({ data, key: size > 0 && (data[0]! & 1) === 0 });
    at = start + size;
  }
  if (at !== bytes.length) throw new Error(`IVF file has ${bytes.length - at} trailing bytes`);
  if (frames.length === 0) throw new Error('IVF file has no frames');
  return { width, height, fps: rate / scale, frames };
}

export interface AudioFile {
  /** Opus packets in order (the OpusHead and OpusTags header packets removed). */
  packets: Buffer[];
  /** Each packet's duration in 48 kHz samples, from its TOC byte. */
  durations: number[];
}

/** Samples (at 48 kHz) in one Opus frame of TOC configuration `config` (RFC 6716 3.1). */
function frameSamples(config: number): number {
  if (config < 12) return [480, 960, 1920, 2880][config % 4]!;
  if (config < 16) return [480, 960][config % 2]!;
  return [120, 240, 480, 960][config % 4]!;
}

/** Duration of one Opus packet in 48 kHz samples (RFC 6716 3.1: TOC config and frame-count code). */
export function opusPacketSamples(packet: Buffer): number {
  if (packet.length === 0) throw new Error('empty Opus packet');
  const toc = packet[0]!;
  const code = toc & 3;
  const count = code === 0 ? 1 : code === 3 ? (packet[1] ?? 0) & 0x3f : 2;
  return frameSamples(toc >> 3) * count;
}

/** Parses an Ogg Opus file into its audio packets (RFC 3533 pages, RFC 7845 mapping). */
export function parseOggOpus(bytes: Buffer): AudioFile {
  const all: Buffer[] = [];
  let pending: Buffer[] = [];
  let at = 0;
  while (at + 27 <= bytes.length) {
    if (bytes.toString('latin1', at, at + 4) !== 'OggS') throw new Error(`no Ogg page at byte ${at}`);
    const segments = bytes[at + 26]!;
    const table = bytes.subarray(at + 27, at + 27 + segments);
    let body = at + 27 + segments;
    for (const lacing of table) {
      pending.push(bytes.subarray(body, body + lacing));
      body += lacing;
      if (lacing < 255) {
        all.push(Buffer.concat(pending));
        pending = [];
      }
    }
    if (body > bytes.length) throw new Error('Ogg page runs past the end');
    at = body;
  }
  if (all[0]?.toString('latin1', 0, 8) !== 'OpusHead') throw new Error('not an Ogg Opus file');
  const packets = all.slice(2).filter((p) => p.length > 0);
  if (packets.length === 0) throw new Error('Ogg Opus file has no audio packets');
  return { packets, durations: packets.map(opusPacketSamples) };
}

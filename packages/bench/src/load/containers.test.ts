import { describe, expect, it } from 'vitest';
import { opusPacketSamples, parseIvf, parseOggOpus } from './containers.js';
import { vp8Payloads } from './packetize.js';

function ivf(frames: Buffer[]): Buffer {
  const header: Buffer = Buffer.alloc(32);
  header.write('DKIF', 0, 'latin1');
  header.writeUInt16LE(32, 6);
  header.write('VP80', 8, 'latin1');
  header.writeUInt16LE(640, 12);
  header.writeUInt16LE(360, 14);
  header.writeUInt32LE(15, 16);
  header.writeUInt32LE(1, 20);
  header.writeUInt32LE(frames.length, 24);
  const parts: Buffer[] = [header];
  frames.forEach((f, i) => {
    const h = Buffer.alloc(12);
    h.writeUInt32LE(f.length, 0);
    h.writeBigUInt64LE(BigInt(i), 4);
    parts.push(h, f);
  });
  return Buffer.concat(parts);
}

function oggPage(packets: Buffer[]): Buffer {
  const lacing: number[] = [];
  for (const p of packets) {
    let n = p.length;
    while (n >= 255) {
      lacing.push(255);
      n -= 255;
    }
    lacing.push(n);
  }
  const header = Buffer.alloc(27);
  header.write('OggS', 0, 'latin1');
  header[26] = lacing.length;
  return Buffer.concat([header, Buffer.from(lacing), ...packets]);
}

describe('parseIvf', () => {
  it('reads size, rate and frames, and tells key frames by the VP8 frame tag', () => {
    const file = parseIvf(ivf([Buffer.from([0x10, 1, 2]), Buffer.from([0x11, 3])]));
    expect(file).toMatchObject({ width: 640, height: 360, fps: 15 });
    expect(file.frames.map((f) => f.key)).toEqual([true, false]);
    expect(file.frames[1]!.data).toEqual(Buffer.from([0x11, 3]));
  });

  it('refuses what is not VP8 IVF, or cut short', () => {
    expect(() => parseIvf(Buffer.from('nope'))).toThrow(/not an IVF/);
    const cut = ivf([Buffer.alloc(10)]).subarray(0, 50);
    expect(() => parseIvf(cut)).toThrow(/past the end/);
  });
});

describe('parseOggOpus', () => {
  it('joins laced segments into packets and drops the two header packets', () => {
    const head = Buffer.from('OpusHead........');
    const tags = Buffer.from('OpusTags');
    const big = Buffer.concat([Buffer.from([0x78]), Buffer.alloc(300, 7)]); // 301 bytes: laced 255 + 46
    const file = parseOggOpus(
      Buffer.concat([oggPage([head]), oggPage([tags]), oggPage([big, Buffer.from([0x78, 1])])]),
    );
    expect(file.packets.map((p) => p.length)).toEqual([301, 2]);
    expect(file.durations).toEqual([960, 960]);
  });

  it('reads Opus packet durations from the TOC byte', () => {
    expect(opusPacketSamples(Buffer.from([0x78]))).toBe(960); // CELT FB 20 ms, one frame
    expect(opusPacketSamples(Buffer.from([0x09]))).toBe(1920); // SILK NB 20 ms, two frames
    expect(opusPacketSamples(Buffer.from([0x0b, 3]))).toBe(2880); // SILK NB 20 ms, code 3, three frames
  });
});

describe('vp8Payloads', () => {
  it('splits evenly below the payload limit and marks the first as the start of the partition', () => {
    const frame = Buffer.alloc(2500, 9);
    const out = vp8Payloads(frame, 1001);
    expect(out.map((p) => p.length)).toEqual([835, 835, 833]);
    expect(out.map((p) => p[0])).toEqual([0x10, 0, 0]);
    expect(Buffer.concat(out.map((p) => p.subarray(1)))).toEqual(frame);
    expect(vp8Payloads(Buffer.alloc(10))).toHaveLength(1);
  });
});

import { describe, expect, it } from 'vitest';
import { IDLE_LAYERS, SCREEN_ENCODING, SIMULCAST_ENCODINGS, uploadEncodings } from './simulcast.js';

const camera = () => SIMULCAST_ENCODINGS.map((e) => ({ ...e, active: true }));

describe('uploadEncodings (sfuUpload)', () => {
  it('while direct keeps every camera layer on at a trickle (no encoder starts when the SFU is back)', () => {
    const idle = uploadEncodings(camera(), false)!;
    expect(idle.map((e) => e.active)).toEqual([true, true, true]);
    for (const e of idle) {
      expect(e.maxFramerate).toBe(IDLE_LAYERS[e.rid!]!.maxFramerate);
      expect(e.maxBitrate).toBe(IDLE_LAYERS[e.rid!]!.maxBitrate);
    }
    expect(idle.reduce((sum, e) => sum + e.maxBitrate!, 0)).toBeLessThanOrEqual(50_000);
  });

  it('back on the SFU turns every layer on with its own caps and no frame-rate cap', () => {
    const active = uploadEncodings(uploadEncodings(camera(), false)!, true)!;
    expect(active.map((e) => e.active)).toEqual([true, true, true]);
    expect(active.map((e) => e.maxBitrate)).toEqual(SIMULCAST_ENCODINGS.map((e) => e.maxBitrate));
    expect(active.every((e) => e.maxFramerate === undefined)).toBe(true);
  });

  it('a single-layer sender (microphone, share, camera without simulcast) is simply stopped and started', () => {
    expect(uploadEncodings([{ active: true }], false)).toEqual([{ active: false }]);
    expect(uploadEncodings([{ ...SCREEN_ENCODING, active: false }], true)).toEqual([
      { ...SCREEN_ENCODING, active: true },
    ]);
  });

  it('says when nothing changes', () => {
    expect(uploadEncodings(camera(), true)).toBeNull();
    expect(uploadEncodings(uploadEncodings(camera(), false)!, false)).toBeNull();
    expect(uploadEncodings([{ active: false }], false)).toBeNull();
  });
});

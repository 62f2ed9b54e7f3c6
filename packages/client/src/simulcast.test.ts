import { describe, expect, it } from 'vitest';
import { IDLE_LAYER, SCREEN_ENCODING, SIMULCAST_ENCODINGS, uploadEncodings } from './simulcast.js';

const camera = () => SIMULCAST_ENCODINGS.map((e) => ({ ...e, active: true }));

describe('uploadEncodings (sfuUpload)', () => {
  it('while direct keeps only the lowest camera layer on, at the idle caps', () => {
    const idle = uploadEncodings(camera(), false)!;
    expect(idle.map((e) => [e.rid, e.active])).toEqual([
      ['h', false],
      ['m', false],
      ['l', true],
    ]);
    expect(idle[2]).toMatchObject({
      maxFramerate: IDLE_LAYER.maxFramerate,
      maxBitrate: IDLE_LAYER.maxBitrate,
    });
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

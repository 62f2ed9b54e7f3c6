import { describe, expect, it } from 'vitest';
import { i420ToRgba, packedRgbToI420, rgbOrderOf } from './rgb-i420.js';
import { BT601, BT709, createI420, rgbToYuv } from './yuv.js';

/** A smooth, coloured test picture (RGBA), with a given row stride in bytes. */
function picture(w: number, h: number, stride = w * 4): Uint8ClampedArray {
  const out = new Uint8ClampedArray(stride * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const p = y * stride + x * 4;
      out[p] = 40 + ((x * 7) % 180);
      out[p + 1] = 30 + ((y * 5) % 200);
      out[p + 2] = 200 - ((x + y) % 150);
      out[p + 3] = 255;
    }
  return out;
}

describe('packed RGB <-> I420', () => {
  it('names the byte order of the 4-byte VideoFrame formats, null for the others', () => {
    expect(rgbOrderOf('RGBX')).toBe('rgb');
    expect(rgbOrderOf('RGBA')).toBe('rgb');
    expect(rgbOrderOf('BGRX')).toBe('bgr');
    expect(rgbOrderOf('BGRA')).toBe('bgr');
    expect(rgbOrderOf('I420')).toBeNull();
    expect(rgbOrderOf(null)).toBeNull();
  });

  it('converts a flat colour exactly as rgbToYuv, in either byte order', () => {
    for (const colour of [BT601, BT709, { ...BT709, fullRange: true }]) {
      const rgb: [number, number, number] = [200, 60, 20];
      const [y, u, v] = rgbToYuv(...rgb, colour);
      const rgbx = new Uint8Array(6 * 4 * 4);
      const bgrx = new Uint8Array(6 * 4 * 4);
      for (let i = 0; i < 24; i++) {
        rgbx.set([rgb[0], rgb[1], rgb[2], 0], i * 4);
        bgrx.set([rgb[2], rgb[1], rgb[0], 0], i * 4);
      }
      for (const [pixels, order] of [
        [rgbx, 'rgb'],
        [bgrx, 'bgr'],
      ] as const) {
        const pic = packedRgbToI420(pixels, 24, order, createI420(6, 4), colour);
        expect(new Set(pic.y)).toEqual(new Set([y]));
        expect(new Set(pic.u)).toEqual(new Set([u]));
        expect(new Set(pic.v)).toEqual(new Set([v]));
      }
    }
  });

  it('averages chroma over each 2x2 block, and over what is left at an odd edge', () => {
    // 3x3: blocks of 2x2, 1x2 (right column), 2x1 (bottom row) and 1x1 (the corner).
    const rgb: Array<[number, number, number]> = [
      [255, 0, 0],
      [0, 255, 0],
      [0, 0, 255],
      [255, 255, 0],
      [0, 255, 255],
      [255, 0, 255],
      [20, 40, 60],
      [200, 100, 50],
      [90, 180, 30],
    ];
    const pixels = new Uint8Array(3 * 3 * 4);
    for (const [i, c] of rgb.entries()) pixels.set([...c, 255], i * 4);
    const pic = packedRgbToI420(pixels, 12, 'rgb', createI420(3, 3), BT601);
    const mean = (ids: number[], k: 1 | 2) =>
      ids.reduce((s, i) => s + rgbToYuv(...rgb[i]!, BT601)[k], 0) / ids.length;
    const blocks = [[0, 1, 3, 4], [2, 5], [6, 7], [8]];
    blocks.forEach((ids, b) => {
      expect(Math.abs(pic.u[b]! - mean(ids, 1))).toBeLessThanOrEqual(1);
      expect(Math.abs(pic.v[b]! - mean(ids, 2))).toBeLessThanOrEqual(1);
    });
    // The corner block is one pixel: exactly its own chroma, and every luma sample is its pixel's.
    expect([pic.u[3], pic.v[3]]).toEqual(rgbToYuv(...rgb[8]!, BT601).slice(1));
    expect([...pic.y]).toEqual(rgb.map((c) => rgbToYuv(...c, BT601)[0]));
  });

  it('reads rows with a stride wider than the picture', () => {
    const tight = picture(8, 6);
    const padded = picture(8, 6, 8 * 4 + 16);
    const a = packedRgbToI420(tight, 32, 'rgb', createI420(8, 6), BT709);
    const b = packedRgbToI420(padded, 48, 'rgb', createI420(8, 6), BT709);
    expect([...b.data]).toEqual([...a.data]);
    expect(() => packedRgbToI420(tight, 32, 'rgb', createI420(8, 7), BT709)).toThrow(RangeError);
  });

  it('round-trips a smooth picture within a few levels (2x2 chroma of a smooth picture loses little)', () => {
    const w = 64;
    const h = 36;
    for (const colour of [BT601, BT709, { ...BT709, fullRange: true }]) {
      const rgba = picture(w, h);
      // A smooth picture: average each pixel's 2x2 block first, so chroma subsampling loses nothing.
      const blocky = new Uint8ClampedArray(rgba);
      for (let y = 0; y < h; y += 2)
        for (let x = 0; x < w; x += 2)
          for (let c = 0; c < 3; c++) {
            const at = (dx: number, dy: number) => ((y + dy) * w + x + dx) * 4 + c;
            const mean = (rgba[at(0, 0)]! + rgba[at(1, 0)]! + rgba[at(0, 1)]! + rgba[at(1, 1)]!) / 4;
            for (const [dx, dy] of [
              [0, 0],
              [1, 0],
              [0, 1],
              [1, 1],
            ] as const)
              blocky[at(dx, dy)] = mean;
          }
      const pic = packedRgbToI420(blocky, w * 4, 'rgb', createI420(w, h), colour);
      const back = i420ToRgba(pic, colour, new Uint8ClampedArray(w * h * 4));
      let worst = 0;
      for (let i = 0; i < back.length; i++) {
        if (i % 4 === 3) expect(back[i]).toBe(255);
        else worst = Math.max(worst, Math.abs(back[i]! - blocky[i]!));
      }
      expect(worst).toBeLessThanOrEqual(3);
    }
  });

  it('refuses an output of the wrong size', () => {
    expect(() => i420ToRgba(createI420(4, 4), BT709, new Uint8ClampedArray(4 * 4 * 3))).toThrow(RangeError);
  });
});

import { describe, expect, it } from 'vitest';
import { hasWasmSimd } from '../../features.js';
import { createI420, type I420 } from '../yuv.js';
import { compositeI420, type YuvBackground, type YuvCompositeInput } from '../yuv-composite.js';
import { differences, personAlpha, textured } from './test-inputs.js';
import { createWasmKernels } from './wasm-kernels.js';

// The camera's picture and the alpha at the working size as the YUV back end meets them; 641x357 and 97x31
// have odd sides (odd chroma) and widths that are not multiples of 16 (97x31's alpha is wider than its
// chroma); 17x9 and 1x1 are narrower than one SIMD step.
const CASES = [
  { w: 1280, h: 720, aw: 384, ah: 216 },
  { w: 640, h: 480, aw: 384, ah: 288 },
  { w: 641, h: 357, aw: 383, ah: 213 },
  { w: 97, h: 31, aw: 61, ah: 29 },
  { w: 17, h: 9, aw: 5, ah: 3 },
  { w: 1, h: 1, aw: 1, ah: 1 },
];

const COLOUR: readonly [number, number, number] = [201, 63, 170];

describe.skipIf(!hasWasmSimd())('wasm SIMD kernels: composite over a picture or a colour', () => {
  const kernel = createWasmKernels()!;

  for (const { w, h, aw, ah } of CASES) {
    it(`writes the same bytes as compositeI420 at ${w}x${h} (alpha ${aw}x${ah}), picture and colour`, () => {
      const src = textured(w, h, w + h);
      const alpha = personAlpha(aw, ah, aw);
      const elsewhere = textured(w, h, 7 * w + 3);
      for (const a of [alpha, null]) {
        const input = (background: YuvBackground): Omit<YuvCompositeInput, 'out'> => ({
          src,
          alpha: a,
          alphaWidth: a ? aw : 0,
          alphaHeight: a ? ah : 0,
          background,
        });
        const colour = input({ kind: 'colour', yuv: COLOUR });
        const picture = input({ kind: 'picture', picture: elsewhere });
        for (const what of [colour, picture]) {
          const label = `${what.background.kind}, ${a ? 'alpha' : 'no alpha'}`;
          const expected = compositeI420({ ...what, out: createI420(w, h) });
          // Pictures from elsewhere (the replacement picture too): copied in and out.
          const copied = createI420(w, h);
          expect(kernel.composite({ ...what, out: copied }), label).toBe(true);
          expect(differences(copied, expected), label).toEqual([]);
          // Source and output in the kernel's memory.
          const { src: inSrc, out: inOut } = kernel.pictures(w, h);
          inSrc.data.set(src.data);
          inOut.data.fill(0);
          expect(kernel.composite({ ...what, src: inSrc, out: inOut }), label).toBe(true);
          expect(differences(inOut, expected), `${label}, in place`).toEqual([]);
        }
        // The replacement picture in the kernel's memory too (as the compositor converts it): read in place.
        const held = kernel.backgroundPicture(w, h);
        held.data.set(elsewhere.data);
        const expected = compositeI420({ ...picture, out: createI420(w, h) });
        const { src: inSrc, out: inOut } = kernel.pictures(w, h);
        inSrc.data.set(src.data);
        inOut.data.fill(0);
        const background: YuvBackground = { kind: 'picture', picture: held };
        expect(kernel.composite({ ...picture, src: inSrc, background, out: inOut })).toBe(true);
        expect(differences(inOut, expected), 'picture held, in place').toEqual([]);
        // It is read, not overwritten.
        expect(differences(held, elsewhere)).toEqual([]);
      }
    });
  }

  it('is tested on inputs where every run kind occurs (copy, background, blend)', () => {
    // Guards the test above against a case that would pass with a kernel that only copies or only blends.
    const { w, h, aw, ah } = CASES[0]!;
    const src = textured(w, h, 1);
    const back = textured(w, h, 2);
    const out = compositeI420({
      src,
      alpha: personAlpha(aw, ah, aw),
      alphaWidth: aw,
      alphaHeight: ah,
      background: { kind: 'picture', picture: back },
      out: createI420(w, h),
    });
    let person = 0;
    let background = 0;
    let neither = 0;
    for (let i = 0; i < out.y.length; i++) {
      if (out.y[i] === src.y[i]) person++;
      else if (out.y[i] === back.y[i]) background++;
      else neither++;
    }
    expect(person).toBeGreaterThan(out.y.length / 10);
    expect(background).toBeGreaterThan(out.y.length / 10);
    expect(neither).toBeGreaterThan(out.y.length / 100);
  });

  it('takes an alpha at the full picture size with the picture held (the refinement at scale 1)', () => {
    const w = 1280;
    const h = 720;
    const src = textured(w, h, 3);
    const held = kernel.backgroundPicture(w, h);
    held.data.set(textured(w, h, 4).data);
    const input = { src, alpha: personAlpha(w, h, 5), alphaWidth: w, alphaHeight: h };
    const expected = compositeI420({
      ...input,
      background: { kind: 'picture', picture: held },
      out: createI420(w, h),
    });
    const { src: inSrc, out: inOut } = kernel.pictures(w, h);
    inSrc.data.set(src.data);
    expect(
      kernel.composite({ ...input, src: inSrc, background: { kind: 'picture', picture: held }, out: inOut }),
    ).toBe(true);
    expect(differences(inOut, expected)).toEqual([]);
  });

  it('keeps the replacement picture until the memory is laid out anew or grows, and says so', () => {
    const fresh = createWasmKernels()!;
    const a = fresh.backgroundPicture(320, 180);
    expect(fresh.backgroundPicture(320, 180)).toBe(a);
    expect(fresh.holdsBackground(a)).toBe(true);
    // Not the camera's pictures' memory: writing one does not touch the others.
    const { src, out } = fresh.pictures(320, 180);
    a.data.fill(77);
    src.data.fill(1);
    out.data.fill(2);
    expect(a.data.every((v) => v === 77)).toBe(true);
    // A picture from elsewhere is not held.
    expect(fresh.holdsBackground(createI420(320, 180))).toBe(false);
    // A smaller size: laid out anew (no growth), the old picture is dropped.
    fresh.pictures(160, 90);
    expect(fresh.holdsBackground(a)).toBe(false);
    const b = fresh.backgroundPicture(160, 90);
    expect(b).not.toBe(a);
    expect(b.width).toBe(160);
    // A larger size grows the memory: every earlier view detaches.
    const c = fresh.backgroundPicture(1920, 1080);
    expect(b.data.byteLength).toBe(0);
    expect(fresh.holdsBackground(b)).toBe(false);
    expect(fresh.holdsBackground(c)).toBe(true);
    expect(c.data.length).toBe(1920 * 1080 * 1.5);
  });

  it('still checks its inputs: a picture of another size throws, as compositeI420 does', () => {
    const src = textured(64, 32, 5);
    const picture: I420 = createI420(62, 32);
    const base = { src, alpha: new Uint8Array(16 * 8).fill(255), alphaWidth: 16, alphaHeight: 8 };
    expect(() =>
      kernel.composite({ ...base, background: { kind: 'picture', picture }, out: createI420(64, 32) }),
    ).toThrow(/background picture size/);
  });
});

import { describe, expect, it } from 'vitest';
import { isSoftwareRenderer, planRenderer } from './decisions.js';

describe('isSoftwareRenderer', () => {
  it('knows the software rasterizers by their renderer strings', () => {
    expect(
      isSoftwareRenderer(
        'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)',
      ),
    ).toBe(true);
    expect(isSoftwareRenderer('llvmpipe (LLVM 15.0.6, 256 bits)')).toBe(true);
    expect(isSoftwareRenderer('Microsoft Basic Render Driver')).toBe(true);
  });
  it('does not take a GPU for one', () => {
    expect(
      isSoftwareRenderer('ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 Direct3D11 vs_5_0 ps_5_0, D3D11)'),
    ).toBe(false);
    expect(isSoftwareRenderer('Apple M2')).toBe(false);
    expect(isSoftwareRenderer('Mesa Intel(R) UHD Graphics 620 (KBL GT2)')).toBe(false);
    expect(isSoftwareRenderer(null)).toBe(false);
  });
});

describe('planRenderer', () => {
  const gpu = 'Mesa Intel(R) UHD Graphics 620 (KBL GT2)';
  it('follows the caller first, then the cache', () => {
    expect(
      planRenderer({
        requested: 'webgl2',
        cached: 'canvas2d',
        webgl2: true,
        glRenderer: 'SwiftShader',
        videoFrame: true,
      }),
    ).toEqual({
      renderer: 'webgl2',
      source: 'option',
    });
    expect(
      planRenderer({
        requested: 'auto',
        cached: 'webgl2',
        webgl2: true,
        glRenderer: 'SwiftShader',
        videoFrame: true,
      }),
    ).toEqual({
      renderer: 'webgl2',
      source: 'cache',
    });
  });
  it('takes a CPU back end with no trial on a software rasterizer or without WebGL2', () => {
    expect(
      planRenderer({
        requested: 'auto',
        cached: null,
        webgl2: true,
        glRenderer: 'llvmpipe',
        videoFrame: true,
      }),
    ).toEqual({ renderer: 'yuv', source: 'software-gl' });
    expect(
      planRenderer({ requested: 'auto', cached: null, webgl2: false, glRenderer: null, videoFrame: false }),
    ).toEqual({ renderer: 'canvas2d', source: 'software-gl' });
  });
  it('measures only with a real GPU and nothing known', () => {
    expect(
      planRenderer({ requested: 'auto', cached: null, webgl2: true, glRenderer: gpu, videoFrame: true }),
    ).toEqual({
      renderer: 'measure',
      source: 'measured',
      webgl2: true,
    });
  });
});

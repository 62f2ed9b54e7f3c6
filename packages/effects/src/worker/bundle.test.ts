import { readFileSync } from 'node:fs';
import * as esbuild from 'esbuild';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: plain ESM build helper without types
import { effectsAssets, effectsEntryPoints } from '../../assets.mjs';
import { MEDIAPIPE_TASKS_GLOBAL } from '../segmentation/mediapipe-tasks.js';

describe('the effects worker bundle', () => {
  it('does not carry MediaPipe Tasks: that runtime loads its API script only when chosen', async () => {
    const result = await esbuild.build({
      entryPoints: effectsEntryPoints(),
      bundle: true,
      format: 'esm',
      platform: 'browser',
      write: false,
      metafile: true,
      outdir: '/assets',
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((p) => p.includes('worker/engine.ts'))).toBe(true);
    expect(inputs.filter((p) => p.includes('@mediapipe/'))).toEqual([]);
  });

  it('ships MediaPipe Tasks as an asset script that defines the one global the segmenter reads', () => {
    const assets = effectsAssets() as Array<{ from: string; to: string }>;
    const script = assets.find((a) => a.to === 'effects/mediapipe-tasks.js');
    expect(script).toBeDefined();
    const text = readFileSync(script!.from, 'utf8');
    expect(text).toContain(MEDIAPIPE_TASKS_GLOBAL);
    expect(text).toContain('createFromOptions');
    // A classic script: no module syntax at its top level.
    expect(text).not.toMatch(/^\s*(import|export)\s/m);
  });
});

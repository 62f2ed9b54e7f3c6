import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './server.js';

export const CACHE_DIR = join(ROOT, '.cache/fixtures');

export interface FakeCamera {
  name: string;
  file: string;
  width: number;
  height: number;
  /** The camera's picture downscaled to REF_W x REF_H RGB, to compare what receivers see. */
  reference: Uint8Array;
}

export const REF_W = 16;
export const REF_H = 12;

/** Four-quadrant colour layouts, different enough that any receiver's tile can be matched to its sender. */
const LAYOUTS: Record<string, [string, string, string, string]> = {
  red: ['0xd02020', '0x20b020', '0x2040d0', '0xe0d020'],
  blue: ['0x2040d0', '0xe0d020', '0xd02020', '0x20b020'],
  violet: ['0xa020c0', '0x20c0c0', '0xf0f0f0', '0x202020'],
};

/**
 * Makes (once, cached in .cache/) a y4m fake camera: four coloured quadrants and a small white square moving
 * across, so frames keep changing. 640x480, 15 fps, 4 s loop.
 */
export function makeCamera(name: keyof typeof LAYOUTS, width = 640, height = 480): FakeCamera {
  mkdirSync(CACHE_DIR, { recursive: true });
  const file = join(CACHE_DIR, `camera-${name}-${width}x${height}.y4m`);
  const [tl, tr, bl, br] = LAYOUTS[name]!;
  const w = width / 2;
  const h = height / 2;
  if (!existsSync(file)) {
    const graph = [
      `color=c=${tl}:s=${width}x${height}:r=15:d=4,format=yuv420p[bg]`,
      `[bg]drawbox=x=${w}:y=0:w=${w}:h=${h}:color=${tr}:t=fill,drawbox=x=0:y=${h}:w=${w}:h=${h}:color=${bl}:t=fill,drawbox=x=${w}:y=${h}:w=${w}:h=${h}:color=${br}:t=fill[q]`,
      `color=c=white:s=32x32:r=15:d=4[box]`,
      `[q][box]overlay=x='mod(t*120,${width - 32})':y=${h - 16}[out]`,
    ].join(';');
    execFileSync('ffmpeg', [
      '-v',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      'nullsrc',
      '-filter_complex',
      graph,
      '-map',
      '[out]',
      '-pix_fmt',
      'yuv420p',
      '-t',
      '4',
      file,
    ]);
  }
  const reference = firstFrameRgb(file, REF_W, REF_H, 'area');
  return { name, file, width, height, reference: new Uint8Array(reference) };
}

/** The first frame of a video file, scaled to width x height, as packed RGB (decoded by ffmpeg). */
export function firstFrameRgb(file: string, width: number, height: number, flags = 'bicubic'): Buffer {
  return execFileSync('ffmpeg', [
    '-v',
    'error',
    '-i',
    file,
    '-frames:v',
    '1',
    '-vf',
    `scale=${width}:${height}:flags=${flags}`,
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgb24',
    '-',
  ]);
}

/** Mean absolute difference per channel between two RGB(A) thumbnails of REF_W x REF_H. */
export function thumbnailDistance(rgb: Uint8Array, other: ArrayLike<number>, otherChannels: 3 | 4): number {
  let sum = 0;
  for (let i = 0; i < REF_W * REF_H; i++) {
    for (let c = 0; c < 3; c++) sum += Math.abs(rgb[i * 3 + c]! - other[i * otherChannels + c]!);
  }
  return sum / (REF_W * REF_H * 3);
}

export const ASTRONAUT = join(ROOT, 'packages/effects/test/fixtures/astronaut.png');

/**
 * A fake camera showing a real person: the public-domain astronaut portrait, scaled to 640 wide and cropped to
 * 640x480 from the top (head, shoulders, flag and wall behind). 15 fps, 2 s loop, still picture.
 */
export function makePortraitCamera(): { file: string; width: number; height: number } {
  mkdirSync(CACHE_DIR, { recursive: true });
  const file = join(CACHE_DIR, 'camera-astronaut-640x480.y4m');
  if (!existsSync(file)) {
    execFileSync('ffmpeg', [
      '-v',
      'error',
      '-y',
      '-loop',
      '1',
      '-i',
      ASTRONAUT,
      '-t',
      '2',
      '-r',
      '15',
      '-vf',
      'scale=640:640,crop=640:480:0:0,format=yuv420p',
      '-pix_fmt',
      'yuv420p',
      file,
    ]);
  }
  return { file, width: 640, height: 480 };
}

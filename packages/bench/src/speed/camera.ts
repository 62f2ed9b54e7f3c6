/** Fake-camera y4m files made with ffmpeg from real video frames, cached (never committed). */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A 30 fps y4m (yuv420p) of the numbered frames in `framesDir` (00000.jpg, 00001.jpg, ...), scaled to cover
 * width x height and centre-cropped. Chromium loops it as the fake camera.
 */
export async function makeCamera(
  framesDir: string,
  width: number,
  height: number,
  cacheDir: string,
): Promise<string> {
  const files = (await readdir(framesDir)).filter((f) => /^\d+\.(jpe?g|png)$/i.test(f)).sort();
  if (files.length === 0) throw new Error(`no numbered frames (00000.jpg ...) in ${framesDir}`);
  const first = files[0]!;
  const ext = first.slice(first.lastIndexOf('.'));
  const digits = first.length - ext.length;
  const name = `${basename(join(framesDir, '..'))}-${width}x${height}.y4m`;
  const out = join(cacheDir, name);
  if (existsSync(out)) return out;
  await mkdir(cacheDir, { recursive: true });
  const partial = `${out}.partial.y4m`;
  await run('ffmpeg', [
    '-loglevel',
    'error',
    '-y',
    '-framerate',
    '30',
    '-start_number',
    String(Number(first.slice(0, digits))),
    '-i',
    join(framesDir, `%0${digits}d${ext}`),
    '-vf',
    `scale=${width}:${height}:force_original_aspect_ratio=increase,crop=${width}:${height}`,
    '-r',
    '30',
    '-pix_fmt',
    'yuv420p',
    partial,
  ]);
  await rename(partial, out);
  return out;
}

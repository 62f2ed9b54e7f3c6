// The media the load bots send, encoded once with Debian's ffmpeg (libvpx, libopus) from its synthetic sources
// and cached under .cache/bench-load: nothing is encoded while the benchmark runs.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { type AudioFile, parseIvf, parseOggOpus, type VideoFile } from './containers.js';

export interface FixtureSpec {
  width: number;
  height: number;
  fps: number;
  videoKbps: number;
  audioKbps: number;
  seconds: number;
}

/** About what a browser sends for a 640x360 camera tile in a meeting. */
export const DEFAULT_FIXTURE: FixtureSpec = {
  width: 640,
  height: 360,
  fps: 15,
  videoKbps: 400,
  audioKbps: 32,
  seconds: 10,
};

function encodeOnce(out: string, args: string[]): void {
  if (existsSync(out)) return;
  // Each bot process may encode on a cold cache at once: its own partial file, then an atomic rename (the
  // files are the same, so whichever lands last wins harmlessly).
  const partial = `${out}.${process.pid}.partial`;
  try {
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args, partial], {
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: 120_000,
    });
  } catch (error) {
    throw new Error(`could not encode ${out} with ffmpeg (apt-get install -y ffmpeg)`, { cause: error });
  }
  renameSync(partial, out);
}

/** Encodes (first time only) and parses the VP8 and Opus files described by `spec`. */
export function loadFixtures(
  cacheDir: string,
  spec: FixtureSpec = DEFAULT_FIXTURE,
): { video: VideoFile; audio: AudioFile; files: string[] } {
  mkdirSync(cacheDir, { recursive: true });
  const tag = `${spec.width}x${spec.height}-${spec.fps}fps-${spec.videoKbps}k-${spec.seconds}s`;
  const videoPath = join(cacheDir, `testsrc2-${tag}.ivf`);
  const audioPath = join(cacheDir, `sine-${spec.audioKbps}k-${spec.seconds}s.opus`);
  encodeOnce(videoPath, [
    ...['-f', 'lavfi', '-i', `testsrc2=size=${spec.width}x${spec.height}:rate=${spec.fps}`],
    ...['-t', String(spec.seconds), '-c:v', 'libvpx', '-b:v', `${spec.videoKbps}k`],
    // A key frame every second (a late subscriber decodes soon), no invisible alt-ref frames, no lag.
    ...['-g', String(spec.fps), '-keyint_min', String(spec.fps), '-auto-alt-ref', '0', '-lag-in-frames', '0'],
    ...['-deadline', 'realtime', '-cpu-used', '8', '-error-resilient', '1', '-f', 'ivf'],
  ]);
  encodeOnce(audioPath, [
    ...['-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:beep_factor=4`],
    ...['-t', String(spec.seconds), '-c:a', 'libopus', '-b:a', `${spec.audioKbps}k`],
    ...['-frame_duration', '20', '-application', 'voip', '-f', 'ogg'],
  ]);
  return {
    video: parseIvf(readFileSync(videoPath)),
    audio: parseOggOpus(readFileSync(audioPath)),
    files: [videoPath, audioPath],
  };
}

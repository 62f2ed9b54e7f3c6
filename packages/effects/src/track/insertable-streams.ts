import { EffectError } from '../errors.js';

/** Typed access to Chromium's insertable streams for video tracks (not in TypeScript's DOM lib). */
interface TrackProcessorConstructor {
  new (init: { track: MediaStreamTrack; maxBufferSize?: number }): { readable: ReadableStream<VideoFrame> };
}
interface TrackGeneratorConstructor {
  new (init: { kind: 'video' }): MediaStreamTrack & { writable: WritableStream<VideoFrame> };
}

export function createTrackStreams(track: MediaStreamTrack): {
  readable: ReadableStream<VideoFrame>;
  writable: WritableStream<VideoFrame>;
  output: MediaStreamTrack;
} {
  const g = globalThis as unknown as {
    MediaStreamTrackProcessor?: TrackProcessorConstructor;
    MediaStreamTrackGenerator?: TrackGeneratorConstructor;
  };
  if (!g.MediaStreamTrackProcessor || !g.MediaStreamTrackGenerator) {
    throw EffectError.unsupported('MediaStreamTrackProcessor/Generator are not available');
  }
  // A small buffer: under load, old camera frames are dropped rather than queued (latency stays low).
  const processor = new g.MediaStreamTrackProcessor({ track, maxBufferSize: 2 });
  const generator = new g.MediaStreamTrackGenerator({ kind: 'video' });
  return { readable: processor.readable, writable: generator.writable, output: generator };
}

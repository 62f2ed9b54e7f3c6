import { EffectError } from '../errors.js';

/** Typed access to Chromium's insertable streams for video tracks (not in TypeScript's DOM lib). */
interface TrackProcessorConstructor {
  new (init: { track: MediaStreamTrack; maxBufferSize?: number }): { readable: ReadableStream<VideoFrame> };
}
interface TrackGeneratorConstructor {
  new (init: { kind: 'video' }): MediaStreamTrack & { writable: WritableStream<VideoFrame> };
}

/** The output side: a generated track and the stream that feeds it. */
export interface TrackStreams {
  writable: WritableStream<VideoFrame>;
  output: MediaStreamTrack;
}

function constructors(): { processor: TrackProcessorConstructor; generator: TrackGeneratorConstructor } {
  const g = globalThis as unknown as {
    MediaStreamTrackProcessor?: TrackProcessorConstructor;
    MediaStreamTrackGenerator?: TrackGeneratorConstructor;
  };
  if (!g.MediaStreamTrackProcessor || !g.MediaStreamTrackGenerator) {
    throw EffectError.unsupported('MediaStreamTrackProcessor/Generator are not available');
  }
  return { processor: g.MediaStreamTrackProcessor, generator: g.MediaStreamTrackGenerator };
}

/** The generated output track (one per effect: it outlives the workers that feed it). */
export function createOutputTrack(): TrackStreams {
  const generator = new (constructors().generator)({ kind: 'video' });
  return { writable: generator.writable, output: generator };
}

/** The camera's frames as a stream, for one worker. */
export function cameraStream(track: MediaStreamTrack): ReadableStream<VideoFrame> {
  // A small buffer: under load, old camera frames are dropped rather than queued (latency stays low).
  return new (constructors().processor)({ track, maxBufferSize: 2 }).readable;
}

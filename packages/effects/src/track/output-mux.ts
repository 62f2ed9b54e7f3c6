/**
 * The streams pipeline's output (Chromium): the page holds the generator's one writer, writes the current
 * worker's frames into it, and writes stand-in frames when that worker is gone (stand-in.ts). A new worker's
 * frames replace the old one's at once; frames of a source that was let go are closed unread.
 */

/** What BackgroundEffect needs of an output, whatever the pipeline: the last real frame, and a stand-in. */
export interface OutputSink {
  /** performance.now() of the last real (worker-made) frame written, null before the first. */
  readonly lastFrameAt: number | null;
  /** Stand-in frames written so far. */
  readonly standIns: number;
  /** Writes one dark frame the size of the last real one (skipped while a write is still in progress). */
  writeStandIn(): void;
  dispose(): void;
}

export interface OutputMux extends OutputSink {
  /** From now on the output carries `readable`'s frames. Returns the function that lets it go. */
  attach(readable: ReadableStream<VideoFrame>): () => void;
}

/** Dark grey, limited range (Y 16 is black): plainly "no picture", not a broken one. */
const STAND_IN_Y = 40;

export function createOutputMux(writable: WritableStream<VideoFrame>): OutputMux {
  const writer = writable.getWriter();
  let current = 0;
  let closed = false;
  let busy = false;
  let lastFrameAt: number | null = null;
  let last: { width: number; height: number; timestamp: number; at: number } | null = null;
  let standIns = 0;
  let standIn: { width: number; height: number; data: Uint8Array } | null = null;

  const write = async (frame: VideoFrame) => {
    busy = true;
    try {
      await writer.write(frame); // the generator takes the frame (and closes it)
    } catch {
      frame.close(); // the track ended: nothing takes frames any more
    } finally {
      busy = false;
    }
  };

  const standInPicture = (width: number, height: number) => {
    if (standIn?.width === width && standIn.height === height) return standIn.data;
    const luma = width * height;
    const data = new Uint8Array(luma + 2 * ((width + 1) >> 1) * ((height + 1) >> 1)).fill(128);
    data.fill(STAND_IN_Y, 0, luma);
    standIn = { width, height, data };
    return data;
  };

  return {
    get lastFrameAt() {
      return lastFrameAt;
    },
    get standIns() {
      return standIns;
    },
    attach(readable) {
      const id = ++current;
      const reader = readable.getReader();
      void (async () => {
        for (;;) {
          let next: ReadableStreamReadResult<VideoFrame>;
          try {
            next = await reader.read();
          } catch {
            return; // the worker went away mid-stream
          }
          if (next.done) return;
          const frame = next.value;
          if (id !== current || closed) {
            frame.close();
            continue;
          }
          lastFrameAt = performance.now();
          last = {
            width: frame.displayWidth,
            height: frame.displayHeight,
            timestamp: frame.timestamp,
            at: lastFrameAt,
          };
          await write(frame);
        }
      })();
      return () => {
        if (id === current) current++;
        reader.cancel().catch(() => undefined);
      };
    },
    writeStandIn() {
      if (closed || busy || !last) return;
      const width = Math.max(2, last.width & ~1);
      const height = Math.max(2, last.height & ~1);
      // The camera's clock, carried on from the last real frame by the time since it.
      const timestamp = last.timestamp + Math.round((performance.now() - last.at) * 1000);
      const frame = new VideoFrame(standInPicture(width, height), {
        format: 'I420',
        codedWidth: width,
        codedHeight: height,
        timestamp,
      });
      standIns++;
      void write(frame);
    },
    dispose() {
      if (closed) return;
      closed = true;
      current++;
      writer.releaseLock();
    },
  };
}

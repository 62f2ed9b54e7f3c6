/**
 * Just enough of WebCodecs' VideoFrame (and ImageData) for the YUV back end to run in Node: I420 frames (or
 * packed RGBX/BGRX ones, Firefox's camera frames) whose copyTo copies planes with the layout asked for, and
 * whose constructor takes the bytes as the browser does (`transfer` detaches them). For unit tests and the Node
 * stage benchmark only; not exported by the package.
 */
export class NodeVideoFrame {
  readonly format: 'I420' | 'RGBX' | 'BGRX';
  readonly codedWidth: number;
  readonly codedHeight: number;
  readonly displayWidth: number;
  readonly displayHeight: number;
  readonly visibleRect = null;
  readonly colorSpace = { matrix: 'bt709', fullRange: false, toJSON: () => ({ matrix: 'bt709' }) };
  readonly data: Uint8Array;
  readonly timestamp: number;
  closed = false;

  constructor(
    data: Uint8Array,
    init: {
      codedWidth: number;
      codedHeight: number;
      format?: 'I420' | 'RGBX' | 'BGRX';
      timestamp?: number;
      transfer?: ArrayBuffer[];
    },
  ) {
    this.format = init.format ?? 'I420';
    this.codedWidth = this.displayWidth = init.codedWidth;
    this.codedHeight = this.displayHeight = init.codedHeight;
    this.timestamp = init.timestamp ?? 0;
    if (init.transfer?.includes(data.buffer as ArrayBuffer)) {
      // As the browser: the frame owns the bytes, the caller's buffer is detached.
      const { byteOffset, length } = data;
      const moved = structuredClone(data.buffer, { transfer: [data.buffer as ArrayBuffer] });
      this.data = new Uint8Array(moved, byteOffset, length);
    } else {
      this.data = data.slice();
    }
  }

  copyTo(dest: Uint8Array, options: { layout: { offset: number; stride: number }[] }): Promise<void> {
    const w = this.codedWidth;
    const h = this.codedHeight;
    const cw = (w + 1) >> 1;
    const ch = (h + 1) >> 1;
    const planes =
      this.format === 'I420'
        ? [
            { at: 0, w, h },
            { at: w * h, w: cw, h: ch },
            { at: w * h + cw * ch, w: cw, h: ch },
          ]
        : [{ at: 0, w: w * 4, h }];
    planes.forEach((p, i) => {
      const { offset, stride } = options.layout[i]!;
      for (let y = 0; y < p.h; y++)
        dest.set(this.data.subarray(p.at + y * p.w, p.at + (y + 1) * p.w), offset + y * stride);
    });
    return Promise.resolve();
  }

  close(): void {
    this.closed = true;
  }
}

class NodeImageData {
  constructor(
    readonly data: Uint8ClampedArray,
    readonly width: number,
    readonly height: number,
  ) {}
}

/** Installs the stand-ins as globals where the realm has none (Node). */
export function installNodeVideoFrame(): void {
  const g = globalThis as Record<string, unknown>;
  g.VideoFrame ??= NodeVideoFrame;
  g.ImageData ??= NodeImageData;
  g.OffscreenCanvas ??= class {
    width = 1;
    height = 1;
  };
}

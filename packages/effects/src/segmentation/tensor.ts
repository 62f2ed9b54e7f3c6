/**
 * The model's input tensor: RGB in [0, 1] (the normalization in the model's metadata), written as float32
 * into the runtime's heap. Pure: tested in Node, timed by bench:stages.
 */

/**
 * k / 255 for every byte k, rounded to f32 once: a Float32Array store of `k / 255` rounds the same f64
 * quotient to the same f32, so a lookup gives the very values the division gave, without a division per sample.
 */
const UNIT = Float32Array.from({ length: 256 }, (_, k) => k / 255);

/**
 * The RGBA pixels' R, G, B as f32 in [0, 1], three floats a pixel, into `heap` from float index `at`;
 * `mirrored`: each row written right to left (the model's input for the mirrored pass, without a mirrored
 * copy of the picture).
 */
export function writeRgbTensor(
  pixels: Uint8ClampedArray,
  width: number,
  height: number,
  heap: Float32Array,
  at: number,
  mirrored = false,
): void {
  if (pixels.length !== width * height * 4) throw new RangeError('writeRgbTensor: size does not match');
  if (at < 0 || at + width * height * 3 > heap.length) throw new RangeError('writeRgbTensor: heap too small');
  for (let y = 0; y < height; y++) {
    const row = y * width * 4;
    let j = at + y * width * 3;
    if (mirrored) {
      for (let p = row + (width - 1) * 4; p >= row; p -= 4, j += 3) {
        heap[j] = UNIT[pixels[p]!]!;
        heap[j + 1] = UNIT[pixels[p + 1]!]!;
        heap[j + 2] = UNIT[pixels[p + 2]!]!;
      }
    } else {
      for (let p = row, end = row + width * 4; p < end; p += 4, j += 3) {
        heap[j] = UNIT[pixels[p]!]!;
        heap[j + 1] = UNIT[pixels[p + 1]!]!;
        heap[j + 2] = UNIT[pixels[p + 2]!]!;
      }
    }
  }
}

/** The person channel (the last of `channels`) of the model's output at `at` in `heap`, into `out`. */
export function readPersonChannel(
  heap: Float32Array,
  at: number,
  channels: number,
  out: Float32Array,
): Float32Array {
  if (channels === 1) out.set(heap.subarray(at, at + out.length));
  else for (let i = 0; i < out.length; i++) out[i] = heap[at + i * channels + channels - 1]!;
  return out;
}

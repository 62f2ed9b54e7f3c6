/**
 * Run-length encoding of binary masks, to move per-frame masks from the page to Node cheaply: alternating run
 * lengths, starting with a run of 0s (possibly empty). Pure.
 */
export function encodeRle(bits: ArrayLike<number>): number[] {
  const runs: number[] = [];
  let current = 0;
  let length = 0;
  for (let i = 0; i < bits.length; i++) {
    const bit = bits[i] ? 1 : 0;
    if (bit === current) length++;
    else {
      runs.push(length);
      current = bit;
      length = 1;
    }
  }
  runs.push(length);
  return runs;
}

export function decodeRle(runs: readonly number[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let pos = 0;
  runs.forEach((length, i) => {
    if (i % 2 === 1) out.fill(1, pos, pos + length);
    pos += length;
  });
  if (pos !== size) throw new Error(`RLE covers ${pos} pixels, expected ${size}`);
  return out;
}

/** The compressed forms the app build writes beside a file (`<file>.br`, `<file>.gz`), best first. */
export const CODINGS = [
  { coding: 'br', suffix: '.br' },
  { coding: 'gzip', suffix: '.gz' },
] as const;

export type ContentCoding = (typeof CODINGS)[number]['coding'];

/** Longer Accept-Encoding values are not parsed: the file goes as it is (browsers send ~30 characters). */
const MAX_HEADER = 512;

/** A q-value as RFC 9110 writes it: 0 to 1, at most three decimals. */
const QVALUE = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/;

/**
 * Which of `available` to send for this Accept-Encoding (RFC 9110 12.5.3), or null for the file as it is: the
 * coding with the highest q-value above 0, brotli before gzip on a tie; `*` stands for codings not named; a
 * coding named with a malformed q-value is not taken. `x-gzip` is gzip.
 */
export function chooseCoding(
  header: string | undefined,
  available: readonly ContentCoding[],
): ContentCoding | null {
  if (header === undefined || header.length > MAX_HEADER || available.length === 0) return null;
  const named = new Map<string, number>();
  for (const item of header.split(',')) {
    const [rawName, ...params] = item.split(';');
    const name = rawName!.trim().toLowerCase();
    if (name === '') continue;
    let q = 1;
    for (const param of params) {
      const [key, value] = param.split('=').map((part) => part.trim());
      if (key?.toLowerCase() !== 'q') continue;
      q = value !== undefined && QVALUE.test(value) ? Number(value) : 0;
    }
    const key = name === 'x-gzip' ? 'gzip' : name;
    named.set(key, Math.max(named.get(key) ?? 0, q));
  }
  let best: ContentCoding | null = null;
  let bestQ = 0;
  for (const { coding } of CODINGS) {
    if (!available.includes(coding)) continue;
    const q = named.get(coding) ?? named.get('*') ?? 0;
    if (q > bestQ) {
      best = coding;
      bestQ = q;
    }
  }
  return best;
}

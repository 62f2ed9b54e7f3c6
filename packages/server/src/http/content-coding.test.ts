import { describe, expect, it } from 'vitest';
import { chooseCoding } from './content-coding.js';

const BOTH = ['br', 'gzip'] as const;

describe('chooseCoding (Accept-Encoding)', () => {
  it('takes brotli where the browser accepts it (Chromium over HTTPS), gzip where only that (plain HTTP)', () => {
    expect(chooseCoding('gzip, deflate, br, zstd', BOTH)).toBe('br');
    expect(chooseCoding('gzip, deflate', BOTH)).toBe('gzip');
    expect(chooseCoding('gzip, deflate, br', ['gzip'])).toBe('gzip');
    expect(chooseCoding('br', ['gzip'])).toBeNull();
  });

  it('sends the file as it is without the header, with none available, or for identity only', () => {
    expect(chooseCoding(undefined, BOTH)).toBeNull();
    expect(chooseCoding('', BOTH)).toBeNull();
    expect(chooseCoding('identity', BOTH)).toBeNull();
    expect(chooseCoding('gzip, br', [])).toBeNull();
  });

  it('follows q-values: the highest above 0, brotli first on a tie; q=0 refuses a coding', () => {
    expect(chooseCoding('br;q=0.5, gzip;q=0.8', BOTH)).toBe('gzip');
    expect(chooseCoding('br;q=0.8, gzip;q=0.8', BOTH)).toBe('br');
    expect(chooseCoding('br;q=0, gzip', BOTH)).toBe('gzip');
    expect(chooseCoding('br;q=0, gzip;q=0', BOTH)).toBeNull();
    expect(chooseCoding('BR ; Q=1.000', BOTH)).toBe('br');
  });

  it('lets * stand for the codings not named', () => {
    expect(chooseCoding('*', BOTH)).toBe('br');
    expect(chooseCoding('br;q=0, *', BOTH)).toBe('gzip');
    expect(chooseCoding('*;q=0, gzip', BOTH)).toBe('gzip');
  });

  it('reads x-gzip as gzip', () => {
    expect(chooseCoding('x-gzip', BOTH)).toBe('gzip');
  });

  it('does not take a coding whose q-value is malformed, and does not parse an overlong header', () => {
    for (const q of ['2', '-1', '0.1234', 'abc', '', '1.5', 'NaN', 'Infinity'])
      expect(chooseCoding(`br;q=${q}`, BOTH), q).toBeNull();
    expect(chooseCoding(`${' '.repeat(600)}br`, BOTH)).toBeNull();
    expect(chooseCoding(',;,;=,q=1,;q', BOTH)).toBeNull();
  });
});

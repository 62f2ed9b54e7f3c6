import { ResumeToken } from '@backdrop/protocol';
import { describe, expect, it } from 'vitest';
import { ResumeTokens } from './resume-tokens.js';

describe('ResumeTokens', () => {
  it('issues 43-character base64url tokens the protocol accepts, all different', () => {
    const tokens = new ResumeTokens<string>();
    const issued = new Set(['a', 'b', 'c', 'd'].map((h) => tokens.issue(h)));
    expect(issued.size).toBe(4);
    for (const token of issued) {
      expect(token).toHaveLength(43);
      expect(ResumeToken.safeParse(token).success).toBe(true);
    }
  });

  it('gives the holder back once: a token is single use', () => {
    const tokens = new ResumeTokens<string>();
    const token = tokens.issue('p1');
    expect(tokens.take(token)).toBe('p1');
    expect(tokens.take(token)).toBeUndefined();
    expect(tokens.size).toBe(0);
  });

  it('keeps only the latest token of a holder', () => {
    const tokens = new ResumeTokens<string>();
    const first = tokens.issue('p1');
    const second = tokens.issue('p1');
    expect(tokens.take(first)).toBeUndefined();
    expect(tokens.take(second)).toBe('p1');
  });

  it('refuses a wrong or altered token, and a revoked one', () => {
    const tokens = new ResumeTokens<string>();
    const token = tokens.issue('p1');
    const altered = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    expect(tokens.take(altered)).toBeUndefined();
    expect(tokens.take('')).toBeUndefined();
    tokens.revoke('p1');
    tokens.revoke('p1');
    expect(tokens.take(token)).toBeUndefined();
  });
});

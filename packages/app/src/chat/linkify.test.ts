import { describe, expect, it } from 'vitest';
import { linkify } from './linkify.js';

describe('linkify', () => {
  it('finds http and https links in running text, leaving sentence punctuation outside', () => {
    expect(linkify('see https://example.org/a?b=1&c=2. and http://x.test/')).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'link', text: 'https://example.org/a?b=1&c=2', href: 'https://example.org/a?b=1&c=2' },
      { kind: 'text', text: '. and ' },
      { kind: 'link', text: 'http://x.test/', href: 'http://x.test/' },
    ]);
  });

  it('keeps a closing bracket the link opened', () => {
    expect(linkify('(https://en.wikipedia.org/wiki/Foo_(bar))')).toEqual([
      { kind: 'text', text: '(' },
      {
        kind: 'link',
        text: 'https://en.wikipedia.org/wiki/Foo_(bar)',
        href: 'https://en.wikipedia.org/wiki/Foo_(bar)',
      },
      { kind: 'text', text: ')' },
    ]);
  });

  it.each([
    'javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'JaVaScRiPt:alert(1)',
    'ftp://example.org/file',
    '<a href="https://evil.test">x</a>',
  ])('never makes a non-http link, nor anything from markup: %s', (text) => {
    const links = linkify(text).filter((s) => s.kind === 'link');
    for (const link of links) expect(link.kind === 'link' && /^https?:\/\//.test(link.href)).toBe(true);
    expect(
      linkify(text)
        .map((s) => s.text)
        .join(''),
    ).toBe(text);
  });

  it('refuses links with credentials, and leaves broken ones as text', () => {
    expect(linkify('https://user:pw@example.org/ https://[::1').every((s) => s.kind === 'text')).toBe(true);
  });

  it('loses no character: the segments put together are the text', () => {
    const text = 'a https://x.org/é?q="1" b\nhttps://y.org), c https://z.org/(x';
    expect(
      linkify(text)
        .map((s) => s.text)
        .join(''),
    ).toBe(text);
  });
});

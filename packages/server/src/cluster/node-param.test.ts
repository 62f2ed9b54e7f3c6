import { describe, expect, it } from 'vitest';
import { requestedNode } from './node-param.js';

describe('requestedNode (the ?node= a client sends, checked like any input)', () => {
  it('reads one well-formed node id', () => {
    expect(requestedNode('/ws?node=b')).toBe('b');
    expect(requestedNode('/ws?x=1&node=node-2')).toBe('node-2');
  });

  it('ignores absent, repeated, malformed and oversized values', () => {
    for (const target of [
      undefined,
      '/ws',
      '/ws?node=',
      '/ws?node=a&node=b',
      '/ws?node=A',
      '/ws?node=-a',
      '/ws?node=a%20b',
      '/ws?node=a%00',
      '/ws?node=..%2Fetc',
      '/ws?node=%E2%80%AEa',
      `/ws?node=${'a'.repeat(33)}`,
      `/ws?node=a&pad=${'x'.repeat(5000)}`,
      '/ws?node[]=a',
      '//[bad',
    ]) {
      expect(requestedNode(target)).toBeUndefined();
    }
  });
});

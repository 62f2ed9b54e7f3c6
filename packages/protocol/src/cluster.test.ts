import { describe, expect, it } from 'vitest';
import { NodeId } from './cluster.js';
import { ErrorCode, ServerMessage } from './messages.js';

describe('cluster messages', () => {
  it('accepts a redirect naming a valid node, with or without replyTo', () => {
    expect(ServerMessage.safeParse({ type: 'redirect', replyTo: 3, node: 'b' }).success).toBe(true);
    expect(ServerMessage.safeParse({ type: 'redirect', node: 'node-2' }).success).toBe(true);
  });

  it('refuses a redirect with a malformed node or extra fields', () => {
    for (const node of ['', 'B', '-a', 'a b', 'a'.repeat(33), 'a/../b', 7, null])
      expect(ServerMessage.safeParse({ type: 'redirect', node }).success).toBe(false);
    expect(ServerMessage.safeParse({ type: 'redirect', node: 'a', url: 'ws://evil' }).success).toBe(false);
  });

  it('node ids are short a-z, 0-9 and -', () => {
    expect(NodeId.safeParse('a').success).toBe(true);
    expect(NodeId.safeParse('0f3a9c1e').success).toBe(true);
    expect(NodeId.safeParse('a'.repeat(32)).success).toBe(true);
    expect(NodeId.safeParse('é').success).toBe(false);
  });

  it('has the cluster_unavailable error code', () => {
    expect(ErrorCode.safeParse('cluster_unavailable').success).toBe(true);
  });
});

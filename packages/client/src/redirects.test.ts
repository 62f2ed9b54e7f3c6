import { describe, expect, it } from 'vitest';
import { BackdropError } from './errors.js';
import { followRedirects, RedirectedError, withNode } from './redirects.js';

/** A fake socket per URL: the "cluster" redirects each URL to the next node in `plan`, or answers. */
interface FakeChannel {
  url: string;
  close(): void;
}

function fakeCluster(plan: Record<string, string | 'joined' | 'refused'>) {
  const opened: string[] = [];
  const closed: string[] = [];
  return {
    opened,
    closed,
    open: async (url: string): Promise<FakeChannel> => {
      opened.push(url);
      return { url, close: () => closed.push(url) };
    },
    exchange: async (channel: FakeChannel) => {
      const node = new URL(channel.url).searchParams.get('node') ?? '-';
      const answer = plan[node];
      if (answer === 'joined') return `joined on ${node}`;
      if (answer === 'refused' || answer === undefined) throw new BackdropError('server_error', 'room_full');
      throw new RedirectedError(answer);
    },
  };
}

describe('withNode', () => {
  it('sets (or replaces) ?node= and keeps the rest of the URL', () => {
    expect(withNode('ws://h:1/ws', 'b')).toBe('ws://h:1/ws?node=b');
    expect(withNode('wss://h/ws?node=a&x=1', 'b')).toBe('wss://h/ws?node=b&x=1');
  });
});

describe('followRedirects', () => {
  it('joins at once when the first node hosts the room', async () => {
    const c = fakeCluster({ '-': 'joined' });
    const done = await followRedirects({ url: 'ws://h/ws', open: c.open, exchange: c.exchange });
    expect(done).toMatchObject({ result: 'joined on -', url: 'ws://h/ws', redirects: 0 });
    expect(c.closed).toEqual([]);
  });

  it('follows a redirect to the named node, closing the redirected socket', async () => {
    const c = fakeCluster({ '-': 'a', a: 'joined' });
    const done = await followRedirects({ url: 'ws://h/ws', open: c.open, exchange: c.exchange });
    expect(done).toMatchObject({ result: 'joined on a', url: 'ws://h/ws?node=a', redirects: 1 });
    expect(c.closed).toEqual(['ws://h/ws']);
  });

  it('gives up with connection_failed after MAX_REDIRECTS (3) redirects', async () => {
    const c = fakeCluster({ '-': 'a', a: 'b', b: 'a' });
    const error = await followRedirects({ url: 'ws://h/ws', open: c.open, exchange: c.exchange }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BackdropError);
    expect((error as BackdropError).code).toBe('connection_failed');
    expect(c.opened).toHaveLength(4);
    expect(c.closed).toHaveLength(4);
  });

  it('passes any other refusal on as it is, its socket closed', async () => {
    const c = fakeCluster({ '-': 'a', a: 'refused' });
    const error = await followRedirects({ url: 'ws://h/ws', open: c.open, exchange: c.exchange }).catch(
      (e: unknown) => e,
    );
    expect(error).not.toBeInstanceOf(RedirectedError);
    expect((error as BackdropError).code).toBe('server_error');
    expect(c.closed).toEqual(['ws://h/ws', 'ws://h/ws?node=a']);
  });
});

import type { ServerMessage } from '@backdrop/protocol';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { fakeRooms } from '../../test/fake-rooms.js';
import { MediaRouter, type RoutedParticipant } from './media-router.js';

const logger = pino({ level: 'silent' });
const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));

/** A participant whose subscription only records what it wants (`wanted`) and what of that is paused. */
function member(id: string, feedId: number, publishing = true) {
  const wanted = new Set<number>();
  const paused = new Set<number>();
  const inbox: ServerMessage[] = [];
  const p = {
    id,
    feedId,
    publishing,
    wanted,
    paused,
    /** Feeds the SFU relays to this member. */
    relayed: () => [...wanted].filter((f) => !paused.has(f)).sort(),
    inbox,
    subscription: {
      want: (f: number) => wanted.add(f),
      unwant: (f: number) => wanted.delete(f),
      pause: (f: number, on: boolean) => (on ? paused.add(f) : paused.delete(f)),
    },
    send: (m: ServerMessage) => inbox.push(m),
    paths: () => inbox.filter((m) => m.type === 'mediaPath'),
  };
  return p;
}
type Member = ReturnType<typeof member>;

function router(p2p: boolean) {
  const here: Member[] = [];
  const r = new MediaRouter(p2p, () => here as RoutedParticipant[], logger);
  return { r, here };
}

const signal = (to: string) => ({ type: 'peerSignal' as const, to, candidate: null });

describe('MediaRouter', () => {
  it('two publishing: both told direct; the SFU relays the peer until it is received directly, then pauses it', () => {
    const { r, here } = router(true);
    const [a, b] = [member('p_a', 1), member('p_b', 2)];
    here.push(a);
    r.sync();
    expect(a.paths()).toEqual([]);
    here.push(b);
    r.sync();
    expect(a.paths()).toEqual([{ type: 'mediaPath', path: 'direct', peerId: 'p_b', polite: false }]);
    expect(b.paths()).toEqual([{ type: 'mediaPath', path: 'direct', peerId: 'p_a', polite: true }]);
    expect([...a.wanted]).toEqual([2]);
    expect([...b.wanted]).toEqual([1]);
    r.directMedia(a, 'p_b', true);
    expect(a.relayed()).toEqual([]);
    expect([...a.wanted]).toEqual([2]); // still subscribed: switching back needs no renegotiation
    expect(b.relayed()).toEqual([1]);
    r.directMedia(b, 'p_a', true);
    expect(b.relayed()).toEqual([]);
    r.sync();
    expect(a.paths()).toHaveLength(1);
    // The direct path broke on A's side: the SFU relays B to A again.
    r.directMedia(a, 'p_b', false);
    expect(a.relayed()).toEqual([2]);
    expect(b.relayed()).toEqual([]);
  });

  it('a third joining moves everyone to the SFU, wanting everyone; its leaving goes back to direct', () => {
    const { r, here } = router(true);
    const [a, b, c] = [member('p_a', 1), member('p_b', 2), member('p_c', 3, false)];
    here.push(a, b);
    r.sync();
    r.directMedia(a, 'p_b', true);
    r.directMedia(b, 'p_a', true);
    here.push(c);
    r.sync();
    expect(a.paths().at(-1)).toEqual({ type: 'mediaPath', path: 'sfu' });
    expect(b.paths().at(-1)).toEqual({ type: 'mediaPath', path: 'sfu' });
    expect(c.paths()).toEqual([]);
    expect(a.relayed()).toEqual([2]); // resumed, not resubscribed
    expect(b.relayed()).toEqual([1]);
    expect([...c.wanted].sort()).toEqual([1, 2]);
    c.publishing = true;
    r.sync();
    expect([...a.wanted].sort()).toEqual([2, 3]);
    expect([...b.wanted].sort()).toEqual([1, 3]);
    // As Room.removeParticipant does: the leaver's feed is dropped by everyone, then the router syncs.
    here.pop();
    for (const m of here) m.subscription.unwant(3);
    r.forget('p_c');
    r.sync();
    expect(a.paths().at(-1)).toEqual({ type: 'mediaPath', path: 'direct', peerId: 'p_b', polite: false });
    // A fresh direct path: the SFU relays until each says again that it receives directly.
    expect(a.relayed()).toEqual([2]);
    expect(a.paths()).toHaveLength(3);
  });

  it('tells a publisher to stop sending to the SFU once its peer receives it directly, and to start again', () => {
    const { r, here } = router(true);
    const [a, b, c] = [member('p_a', 1), member('p_b', 2), member('p_c', 3)];
    const uploads = (m: Member) => m.inbox.filter((x) => x.type === 'sfuUpload');
    here.push(a);
    r.sync();
    expect(uploads(a)).toEqual([]); // alone: keeps sending
    here.push(b);
    r.sync();
    r.directMedia(a, 'p_b', true); // A shows B directly: nobody needs B's upload
    expect(uploads(b)).toEqual([{ type: 'sfuUpload', active: false }]);
    expect(uploads(a)).toEqual([]);
    r.directMedia(b, 'p_a', true);
    expect(uploads(a)).toEqual([{ type: 'sfuUpload', active: false }]);
    here.push(c);
    r.sync();
    expect(uploads(a).at(-1)).toEqual({ type: 'sfuUpload', active: true });
    expect(uploads(b).at(-1)).toEqual({ type: 'sfuUpload', active: true });
    expect(uploads(c)).toEqual([]);
  });

  it('never goes direct with P2P off, and waits for both to publish with it on', () => {
    const off = router(false);
    off.here.push(member('p_a', 1), member('p_b', 2));
    off.r.sync();
    expect(off.here.flatMap((m) => m.paths())).toEqual([]);
    const on = router(true);
    const [a, b] = [member('p_a', 1), member('p_b', 2, false)];
    on.here.push(a, b);
    on.r.sync();
    expect(a.paths()).toEqual([]);
    b.publishing = true;
    on.r.sync();
    expect(a.paths()).toHaveLength(1);
  });

  it('relays peerSignal only to the direct peer, stamped with the sender', () => {
    const { r, here } = router(true);
    const [a, b] = [member('p_a', 1), member('p_b', 2)];
    here.push(a, b);
    expect(() => r.relay(a, signal('p_b'))).toThrow(expect.objectContaining({ code: 'not_direct' }));
    r.sync();
    const description = { type: 'offer' as const, sdp: 'v=0' };
    r.relay(a, { type: 'peerSignal', to: 'p_b', description });
    expect(b.inbox.at(-1)).toEqual({ type: 'peerSignal', from: 'p_a', description });
    r.relay(b, signal('p_a'));
    expect(a.inbox.at(-1)).toEqual({ type: 'peerSignal', from: 'p_b', candidate: null });
    expect(() => r.relay(a, signal('p_a'))).toThrow(expect.objectContaining({ code: 'not_direct' }));
    expect(() => r.relay(a, signal('p_stranger'))).toThrow(expect.objectContaining({ code: 'not_direct' }));
    expect(() => r.directMedia(a, 'p_stranger', true)).toThrow(
      expect.objectContaining({ code: 'not_direct' }),
    );
    const c = member('p_c', 3);
    here.push(c);
    r.sync();
    expect(() => r.relay(a, signal('p_b'))).toThrow(expect.objectContaining({ code: 'not_direct' }));
    expect(() => r.relay(c, signal('p_a'))).toThrow(expect.objectContaining({ code: 'not_direct' }));
    expect(b.inbox.filter((m) => m.type === 'peerSignal')).toHaveLength(1);
  });
});

describe('Room with P2P on (registry and a fake SFU)', () => {
  it('goes direct once both publishers are up, and to the SFU when a third joins', async () => {
    const { sfu, registry } = fakeRooms({ p2p: true });
    const inboxes: ServerMessage[][] = [];
    const join = async (name: string) => {
      const inbox: ServerMessage[] = [];
      inboxes.push(inbox);
      const joined = await registry.join({
        room: 'r',
        name,
        clientAddress: '198.51.100.1',
        send: (m) => {
          inbox.push(m);
          // Answer every subscriber offer, as a browser does.
          if (m.type === 'subscriberOffer') setTimeout(() => joined.participant.subscription.answer('ok'), 1);
        },
      });
      return joined;
    };
    const paths = (i: number) => inboxes[i]!.filter((m) => m.type === 'mediaPath');
    const a = await join('A');
    const b = await join('B');
    sfu.publishers[0]!.emit('connected');
    await tick();
    expect(paths(0)).toEqual([]);
    sfu.publishers[1]!.emit('connected');
    await tick();
    expect(paths(0)).toEqual([
      { type: 'mediaPath', path: 'direct', peerId: b.participant.id, polite: false },
    ]);
    expect(paths(1)).toEqual([{ type: 'mediaPath', path: 'direct', peerId: a.participant.id, polite: true }]);
    b.room.media.directMedia(b.participant, a.participant.id, true);
    await tick(20);
    const [subA, subB] = [sfu.subscribers[0]!, sfu.subscribers[1]!];
    expect([...subB.feeds]).toEqual([a.participant.feedId]);
    expect(subB.pausedFeeds()).toEqual([a.participant.feedId]);
    expect(subA.pausedFeeds()).toEqual([]);
    const updatesBefore = subB.updates;
    const c = await join('C');
    await tick(20);
    expect(paths(0).at(-1)).toEqual({ type: 'mediaPath', path: 'sfu' });
    expect(paths(1).at(-1)).toEqual({ type: 'mediaPath', path: 'sfu' });
    // B gets A from the SFU again by a resume alone (on the middle layer first: the resume's ramp): no
    // subscription update, no new offer.
    expect(subB.pausedFeeds()).toEqual([]);
    expect(subB.sendingCalls.at(-1)).toEqual([{ mid: '0', send: true, substream: 1 }]);
    expect(subB.updates).toBe(updatesBefore);
    sfu.publishers[2]!.emit('connected');
    await tick(20);
    expect([...subA.feeds].sort()).toEqual([b.participant.feedId, c.participant.feedId].sort());
    expect([...subB.feeds].sort()).toEqual([a.participant.feedId, c.participant.feedId].sort());
    await registry.leave(c.room, c.participant);
    await tick(20);
    expect(paths(1).at(-1)).toMatchObject({ path: 'direct', peerId: a.participant.id });
  });
});

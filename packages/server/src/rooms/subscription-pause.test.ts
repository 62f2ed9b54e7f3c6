import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { FakeSubscriber } from '../../test/fake-sfu.js';
import { Subscription } from './subscription.js';

const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));
const logger = pino({ level: 'silent' });

/** A subscription whose browser answers each offer only when the test says so. */
function setup() {
  const sfu = new FakeSubscriber();
  const offers: string[] = [];
  const subscription = new Subscription(sfu, (offer) => offers.push(offer.sdp), logger);
  return { sfu, offers, subscription };
}

describe('Subscription.pause', () => {
  it('pauses and resumes a subscribed feed with no new offer', async () => {
    const { sfu, offers, subscription } = setup();
    subscription.want(7);
    await tick();
    subscription.answer('a1');
    await tick();
    subscription.pause(7, true);
    await tick();
    expect(sfu.pausedFeeds()).toEqual([7]);
    subscription.pause(7, false);
    await tick();
    expect(sfu.pausedFeeds()).toEqual([]);
    expect(sfu.sendingCalls).toEqual([[{ mid: '0', send: false }], [{ mid: '0', send: true }]]);
    expect(offers).toEqual(['offer-1']);
    expect(sfu.updates).toBe(1);
  });

  it('applies at once while an offer waits for the browser, not after its answer', async () => {
    const { sfu, subscription } = setup();
    subscription.want(7);
    await tick();
    subscription.answer('a1');
    await tick();
    subscription.want(8); // offer-2 goes out and waits for its answer
    await tick();
    subscription.pause(7, true);
    await tick();
    expect(sfu.answers).toEqual(['a1']);
    expect(sfu.pausedFeeds()).toEqual([7]);
  });

  it('pauses a feed not yet in an offer once the offer carrying it is out', async () => {
    const { sfu, offers, subscription } = setup();
    subscription.want(7);
    subscription.pause(7, true);
    await tick();
    expect(offers).toEqual(['offer-1']);
    expect(sfu.pausedFeeds()).toEqual([7]);
  });

  it('a feed unsubscribed and subscribed again is relayed unless still paused', async () => {
    const { sfu, subscription } = setup();
    subscription.want(7);
    await tick();
    subscription.answer('a1');
    await tick();
    subscription.pause(7, true);
    await tick();
    subscription.unwant(7);
    subscription.pause(7, false);
    await tick();
    subscription.answer('a2');
    await tick();
    subscription.want(7);
    await tick();
    subscription.answer('a3');
    await tick();
    expect(sfu.sendingCalls).toEqual([[{ mid: '0', send: false }]]);
  });
});

import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { FakeSubscriber } from '../../test/fake-sfu.js';
import { Subscription } from './subscription.js';

const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));
const logger = pino({ level: 'silent' });

/** A subscription whose browser answers each offer only when the test says so. */
function setup(rampMs = 30) {
  const sfu = new FakeSubscriber();
  const offers: string[] = [];
  const subscription = new Subscription(sfu, (offer) => offers.push(offer.sdp), logger, undefined, rampMs);
  return { sfu, offers, subscription };
}

/** Subscribes feed 7 (offer answered), optionally asks for a layer, then pauses and resumes it. */
async function resumed(subscription: Subscription, layer?: 'high'): Promise<void> {
  subscription.want(7);
  await tick();
  subscription.answer('a1');
  await tick();
  if (layer) subscription.setLayer(7, 'camera', layer);
  subscription.pause(7, true);
  await tick();
  subscription.pause(7, false);
  await tick();
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
    expect(sfu.sendingCalls).toEqual([[{ mid: '0', send: false }], [{ mid: '0', send: true, substream: 1 }]]);
    expect(offers).toEqual(['offer-1']);
    expect(sfu.updates).toBe(1);
  });

  it('a resumed camera video starts on the middle layer, then gets the top one (none asked) after the ramp', async () => {
    const { sfu, subscription } = setup();
    await resumed(subscription);
    expect(sfu.sendingCalls.at(-1)).toEqual([{ mid: '0', send: true, substream: 1 }]);
    await tick(40);
    expect(sfu.sendingCalls.at(-1)).toEqual([{ mid: '0', send: true, substream: 2 }]);
    expect(sfu.sendingCalls).toHaveLength(3);
  });

  it('the ramp caps the layer asked for at the middle one, keeps a lower one, and ends with the one asked for', async () => {
    const { sfu, subscription } = setup();
    await resumed(subscription, 'high');
    expect(sfu.sendingCalls.at(-1)).toEqual([{ mid: '0', send: true, substream: 1 }]);
    subscription.setLayer(7, 'camera', 'low'); // during the ramp: lower than the cap, applied at once
    await tick();
    expect(sfu.sendingCalls.at(-1)).toEqual([{ mid: '0', send: true, substream: 0 }]);
    subscription.setLayer(7, 'camera', 'high');
    await tick();
    expect(sfu.sendingCalls.at(-1)).toEqual([{ mid: '0', send: true, substream: 1 }]);
    await tick(40);
    expect(sfu.sendingCalls.at(-1)).toEqual([{ mid: '0', send: true, substream: 2 }]);
  });

  it('a feed paused again within the ramp stays paused when the ramp would have ended', async () => {
    const { sfu, subscription } = setup();
    await resumed(subscription);
    subscription.pause(7, true);
    await tick(40);
    expect(sfu.sendingCalls).toEqual([
      [{ mid: '0', send: false }],
      [{ mid: '0', send: true, substream: 1 }],
      [{ mid: '0', send: false }],
    ]);
  });

  it('close ends the ramps: nothing is sent after', async () => {
    const { sfu, subscription } = setup();
    await resumed(subscription);
    const calls = sfu.sendingCalls.length;
    await subscription.close();
    await tick(40);
    expect(sfu.sendingCalls).toHaveLength(calls);
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

describe('Subscription.want in one go', () => {
  it('negotiates every feed wanted in the same tick, also after a want of a feed it has', async () => {
    const { sfu, subscription } = setup();
    subscription.want(7);
    await tick();
    subscription.answer('a1');
    await tick();
    subscription.want(7); // nothing to do: must not swallow the next want
    subscription.want(8);
    await tick();
    subscription.answer('a2');
    await tick();
    expect([...sfu.feeds].sort()).toEqual([7, 8]);
  });
});

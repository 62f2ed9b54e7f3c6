import { MAX_PENDING_CANDIDATES } from '@backdrop/protocol';
import { describe, expect, it } from 'vitest';
import { fakeRooms } from '../../test/fake-rooms.js';

const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));

const candidate = (n: number) => ({
  candidate: `candidate:${n} 1 udp 2122260223 192.0.2.${n} 5000${n % 10} typ host`,
  sdpMid: '0',
  sdpMLineIndex: 0,
});

const setup = (iceServersFor?: (participantId: string) => { urls: string[]; username: string }[]) =>
  fakeRooms(iceServersFor && { iceServersFor });

describe('trickle ICE through the rooms layer', () => {
  it('holds publisher candidates until the SFU has answered the offer, then sends them in order', async () => {
    const { sfu, join } = setup();
    const { participant } = await join('A');
    const publisher = sfu.publishers[0]!;
    participant.trickle('publisher', candidate(1));
    participant.trickle('publisher', candidate(2));
    let answerNow = () => {};
    publisher.publishGate = new Promise<void>((resolve) => {
      answerNow = resolve;
    });
    const published = participant.publish('offer-sdp');
    participant.trickle('publisher', candidate(3));
    await tick();
    expect(publisher.trickled).toEqual([]);
    answerNow();
    expect(await published).toBe('answer-sdp');
    expect(publisher.trickled).toEqual([candidate(1), candidate(2), candidate(3)]);
    participant.trickle('publisher', candidate(4));
    participant.trickle('publisher', null);
    expect(publisher.trickled.slice(3)).toEqual([candidate(4), null]);
  });

  it(`refuses more than ${MAX_PENDING_CANDIDATES} early candidates with bad_message`, async () => {
    const { sfu, join } = setup();
    const { participant } = await join('A');
    for (let i = 0; i < MAX_PENDING_CANDIDATES; i++) participant.trickle('publisher', candidate(i));
    expect(() => participant.trickle('publisher', candidate(99))).toThrowError(
      expect.objectContaining({ code: 'bad_message' }),
    );
    await participant.publish('offer-sdp');
    expect(sfu.publishers[0]!.trickled).toHaveLength(MAX_PENDING_CANDIDATES);
  });

  it('holds subscriber candidates until the SFU has the first answer, then sends later ones at once', async () => {
    const { sfu, join } = setup();
    await join('A');
    const b = await join('B');
    sfu.publishers[0]!.emit('connected');
    await tick();
    expect(b.messages.some((m) => m.type === 'subscriberOffer')).toBe(true);
    const subscriber = sfu.subscribers[1]!;
    b.participant.trickle('subscriber', candidate(1));
    await tick();
    expect(subscriber.trickled).toEqual([]);
    b.participant.subscription.answer('answer-1');
    await tick();
    b.participant.trickle('subscriber', null);
    expect(subscriber.trickled).toEqual([
      { candidate: candidate(1), answersSoFar: 1 },
      { candidate: null, answersSoFar: 1 },
    ]);
    // The publisher side has its own gate: nothing published yet, so nothing went to it.
    expect(sfu.publishers[1]!.trickled).toEqual([]);
  });

  it("passes the SFU's own candidates to the browser as trickle messages", async () => {
    const { sfu, join } = setup();
    const a = await join('A');
    sfu.publishers[0]!.emit('candidate', candidate(7));
    sfu.subscribers[0]!.emit('candidate', null);
    expect(a.messages.filter((m) => m.type === 'trickle')).toEqual([
      { type: 'trickle', target: 'publisher', candidate: candidate(7) },
      { type: 'trickle', target: 'subscriber', candidate: null },
    ]);
  });

  it('ignores candidates once the participant has left', async () => {
    const { sfu, registry, join } = setup();
    const a = await join('A');
    a.participant.trickle('publisher', candidate(1));
    await registry.leave(a.room, a.participant);
    await a.participant.close();
    a.participant.trickle('publisher', candidate(2));
    a.participant.trickle('subscriber', candidate(3));
    await tick();
    expect(sfu.publishers[0]!.trickled).toEqual([]);
    expect(sfu.subscribers[0]!.trickled).toEqual([]);
  });

  it('sends each joiner its own ICE servers in joined', async () => {
    const { join } = setup((id) => [{ urls: ['turn:192.0.2.1:3478?transport=udp'], username: `9:${id}` }]);
    for (const name of ['A', 'B']) {
      const { participant, messages } = await join(name);
      const joined = messages.find((m) => m.type === 'joined');
      expect(joined?.type === 'joined' && joined.iceServers).toEqual([
        { urls: ['turn:192.0.2.1:3478?transport=udp'], username: `9:${participant.id}` },
      ]);
    }
  });

  it('sends an empty list without TURN', async () => {
    const { join } = setup();
    const { messages } = await join('A');
    expect(messages.find((m) => m.type === 'joined')).toMatchObject({ iceServers: [] });
  });
});

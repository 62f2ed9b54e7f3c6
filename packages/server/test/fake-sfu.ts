import { EventEmitter } from 'node:events';
import type {
  Sfu,
  SfuCandidate,
  SfuOffer,
  SfuPublisher,
  SfuPublisherEvents,
  SfuSubscriber,
  SfuSubscriberEvents,
} from '../src/sfu/sfu.js';

/**
 * What a fake SFU request does: answer at once (undefined), fail with this error, never answer ('hang'), or
 * wait for this promise (and fail if it rejects).
 */
export type FakeOutcome = undefined | Error | 'hang' | Promise<unknown>;

/**
 * An in-memory SFU for logic tests: it records calls and offers predictable SDP. `next` scripts the outcome of
 * the coming requests by method, one entry per call, so a test can make one join hang or fail.
 */
export class FakeSfu implements Sfu {
  readonly rooms = new Set<number>();
  readonly calls: string[] = [];
  readonly publishers: FakePublisher[] = [];
  readonly subscribers: FakeSubscriber[] = [];
  readonly next: Record<'createRoom' | 'createPublisher' | 'createSubscriber', FakeOutcome[]> = {
    createRoom: [],
    createPublisher: [],
    createSubscriber: [],
  };
  createDelayMs = 0;

  private async outcome(method: keyof FakeSfu['next']): Promise<void> {
    this.calls.push(method);
    const outcome = this.next[method].shift();
    if (outcome === 'hang') await new Promise(() => undefined);
    if (outcome instanceof Error) throw outcome;
    if (outcome instanceof Promise) await outcome;
  }

  async createRoom(roomId: number): Promise<void> {
    await new Promise((r) => setTimeout(r, this.createDelayMs));
    await this.outcome('createRoom');
    if (this.rooms.has(roomId)) throw new Error('room exists');
    this.rooms.add(roomId);
  }
  async destroyRoom(roomId: number): Promise<void> {
    this.calls.push('destroyRoom');
    this.rooms.delete(roomId);
  }
  async createPublisher(_roomId: number, feedId: number): Promise<SfuPublisher> {
    await this.outcome('createPublisher');
    const p = new FakePublisher(feedId, this.calls);
    this.publishers.push(p);
    return p;
  }
  async createSubscriber(): Promise<SfuSubscriber> {
    await this.outcome('createSubscriber');
    const s = new FakeSubscriber(this.calls);
    this.subscribers.push(s);
    return s;
  }
}

export class FakePublisher extends EventEmitter<SfuPublisherEvents> implements SfuPublisher {
  closed = false;
  /** Candidates handed to the SFU, in order (null: end-of-candidates). */
  readonly trickled: (SfuCandidate | null)[] = [];
  /** Makes the coming publish() wait for this (e.g. a slow SFU), once. */
  publishGate: Promise<unknown> | undefined;
  constructor(
    readonly feedId: number,
    private readonly calls: string[] = [],
  ) {
    super();
  }
  async publish(): Promise<string> {
    const gate = this.publishGate;
    this.publishGate = undefined;
    await gate;
    return 'answer-sdp';
  }
  /** Offers given to restartIce, in order. */
  readonly restarts: string[] = [];
  async restartIce(offerSdp: string): Promise<string> {
    this.restarts.push(offerSdp);
    return `restart-answer-${this.restarts.length}`;
  }
  async trickle(candidate: SfuCandidate | null): Promise<void> {
    this.trickled.push(candidate);
  }
  /** Detaching takes a moment, as on Janus; the call log shows when it finished. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await new Promise((r) => setTimeout(r, 2));
    this.calls.push(`publisherClosed ${this.feedId}`);
  }
}

export class FakeSubscriber extends EventEmitter<SfuSubscriberEvents> implements SfuSubscriber {
  readonly feeds = new Set<number>();
  readonly answers: string[] = [];
  /** Candidates handed to the SFU, in order, with how many answers it had by then. */
  readonly trickled: { candidate: SfuCandidate | null; answersSoFar: number }[] = [];
  updates = 0;
  closed = false;
  constructor(private readonly calls: string[] = []) {
    super();
  }
  async update(change: { add: number[]; remove: number[] }): Promise<SfuOffer | null> {
    this.updates++;
    for (const f of change.add) this.feeds.add(f);
    for (const f of change.remove) this.feeds.delete(f);
    return {
      sdp: `offer-${this.updates}`,
      streams: [...this.feeds].map((feedId, i) => ({ mid: String(i), feedId, kind: 'video' as const })),
    };
  }
  async answer(sdp: string): Promise<void> {
    this.answers.push(sdp);
  }
  restarts = 0;
  async restartIce(): Promise<SfuOffer> {
    if (this.updates === 0) throw new Error('no subscriber PeerConnection to restart');
    this.restarts++;
    return {
      sdp: `restart-offer-${this.restarts}`,
      streams: [...this.feeds].map((feedId, i) => ({ mid: String(i), feedId, kind: 'video' as const })),
    };
  }
  async trickle(candidate: SfuCandidate | null): Promise<void> {
    this.trickled.push({ candidate, answersSoFar: this.answers.length });
  }
  /** Mids paused with setSending (send: false), and every setSending call in order. */
  readonly paused = new Set<string>();
  readonly sendingCalls: { mid: string; send: boolean; substream?: 0 | 1 | 2 | undefined }[][] = [];
  async setSending(
    streams: readonly { mid: string; send: boolean; substream?: 0 | 1 | 2 | undefined }[],
  ): Promise<void> {
    if (this.updates === 0) throw new Error('no subscriber PeerConnection to configure');
    this.sendingCalls.push([...streams]);
    for (const { mid, send } of streams) {
      if (send) this.paused.delete(mid);
      else this.paused.add(mid);
    }
  }
  /** The feeds whose every stream is paused. */
  pausedFeeds(): number[] {
    const mids = [...this.feeds].map((feedId, i) => ({ feedId, mid: String(i) }));
    return mids.filter((m) => this.paused.has(m.mid)).map((m) => m.feedId);
  }
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await new Promise((r) => setTimeout(r, 2));
    this.calls.push('subscriberClosed');
  }
}

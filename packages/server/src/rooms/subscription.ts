import type { MediaSource, VideoLayer } from '@backdrop/protocol';
import { ServerError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { SfuCandidate, SfuOffer, SfuStream, SfuSubscriber } from '../sfu/sfu.js';
import { type StreamSetting, sameSetting, settingToApply, streamSetting } from './stream-sources.js';
import { TrickleGate } from './trickle-gate.js';

/** A stream's configuration change sent to the SFU. */
type StreamChange = { mid: string } & StreamSetting;

const ANSWER_TIMEOUT_MS = 15_000;

/**
 * How long a resumed feed's camera video stays on the middle layer at most (stream-sources.ts,
 * RESUME_SUBSTREAM) before the layer asked for is restored. The SFU then moves up at the top layer's next key
 * frame and keeps relaying the middle one until it comes, so a top layer still off costs no frames.
 */
export const RESUME_RAMP_MS = 1_500;

/**
 * Keeps one participant's subscriber PeerConnection in step with the feeds it should receive. Callers say what
 * they want (`want`/`unwant`); a single loop turns the difference into SFU updates and offer/answer rounds with
 * the browser, one at a time, so concurrent joins and leaves never interleave two negotiations.
 */
export class Subscription {
  private readonly desired = new Set<number>();
  private readonly current = new Set<number>();
  /** Feeds wanted but not to be relayed for now (the browser gets them directly). */
  private readonly pausedWanted = new Set<number>();
  /** The layer the browser wants of each video, by `feedId/source` (videoLayers); none: the SFU's default. */
  private readonly layers = new Map<string, VideoLayer>();
  /** What the SFU was last told for each mid (absent: as a fresh m-line starts, relayed, default layer). */
  private readonly applied = new Map<string, StreamSetting>();
  /** Which feed each m-line carries, as of the last offer. */
  private streams: readonly SfuStream[] = [];
  private readonly unsolicited: SfuOffer[] = [];
  private running: Promise<void> | undefined;
  private kickedWhileRunning = false;
  /** Feeds resumed within the ramp (RESUME_RAMP_MS), each with the timer that ends its ramp. */
  private readonly ramps = new Map<number, NodeJS.Timeout>();
  /** The pause changes being sent (never rejects). */
  private pauses: Promise<void> = Promise.resolve();
  private closed = false;
  /** The offer out with the browser, waiting for its answer. */
  private waiting:
    | { offer: SfuOffer; resolve(sdp: string): void; reject(error: Error): void; deadline?: NodeJS.Timeout }
    | undefined;
  /** ICE restarts asked for, each settled once its offer has gone out. */
  private readonly restarts: { resolve(): void; reject(error: Error): void }[] = [];
  /** The browser is away (socket lost, resume window open): offers wait without a deadline. */
  private held = false;
  /** True once an offer went to the browser: only then is there a PeerConnection to restart. */
  private offered = false;
  /** The browser's subscriber candidates, held until the SFU has its first answer. */
  private readonly ice: TrickleGate;

  constructor(
    private readonly subscriber: SfuSubscriber,
    private readonly deliverOffer: (offer: SfuOffer) => void,
    private readonly logger: Logger,
    /** Which source (camera or screen share) a subscribed stream carries: the publisher's mids say. */
    private readonly sourceOf: (stream: SfuStream) => MediaSource = () => 'camera',
    private readonly rampMs = RESUME_RAMP_MS,
  ) {
    this.ice = new TrickleGate(subscriber, logger);
    subscriber.on('offer', (offer) => {
      this.unsolicited.push(offer);
      this.kick();
    });
  }

  want(feedId: number): void {
    if (this.desired.has(feedId)) return;
    this.desired.add(feedId);
    this.kick();
  }

  unwant(feedId: number): void {
    if (!this.desired.delete(feedId)) return;
    this.kick();
  }

  /**
   * Keeps a wanted feed's m-lines but stops (`true`) or resumes (`false`) relaying it: no renegotiation, so
   * resuming is one SFU request and a keyframe away. Applied at once, not behind a negotiation waiting for the
   * browser's answer, for a feed already in an offer; otherwise once the offer that adds it is out. A resumed
   * camera video starts on the middle layer at most, and gets the layer asked for after RESUME_RAMP_MS.
   */
  pause(feedId: number, paused: boolean): void {
    if (paused === this.pausedWanted.has(feedId)) return;
    this.endRampQuietly(feedId);
    if (paused) this.pausedWanted.add(feedId);
    else {
      this.pausedWanted.delete(feedId);
      if (!this.closed) this.ramps.set(feedId, setTimeout(() => this.endRamp(feedId), this.rampMs).unref());
    }
    this.kickPauses();
  }

  /**
   * The layer the browser wants of `feedId`'s camera or screen video (`off`: not on screen, not relayed).
   * False if this subscription does not receive that feed (the caller ignores such an entry). Applied like a
   * pause: at once, coalesced with other changes due.
   */
  setLayer(feedId: number, source: MediaSource, layer: VideoLayer): boolean {
    if (!this.current.has(feedId) || !this.desired.has(feedId)) return false;
    const key = `${feedId}/${source}`;
    if (this.layers.get(key) === layer) return true;
    this.layers.set(key, layer);
    this.kickPauses();
    return true;
  }

  private endRamp(feedId: number): void {
    this.ramps.delete(feedId);
    this.kickPauses();
  }

  private endRampQuietly(feedId: number): void {
    clearTimeout(this.ramps.get(feedId));
    this.ramps.delete(feedId);
  }

  /** The layer last asked for (tests, logs). */
  layerOf(feedId: number, source: MediaSource): VideoLayer | undefined {
    return this.layers.get(`${feedId}/${source}`);
  }

  /** Sends the SFU whatever pause changes are due, one request after another. */
  private kickPauses(): void {
    if (this.closed) return;
    this.pauses = this.pauses.then(async () => {
      const due = this.duePauses();
      if (due.changes.length > 0 && !this.closed) await this.applyPauses(due);
    });
  }

  /** Resolves the outstanding offer with the browser's answer. */
  answer(sdp: string): void {
    if (!this.waiting) throw ServerError.invalidState('no subscriber offer is waiting for an answer');
    this.waiting.resolve(sdp);
    clearTimeout(this.waiting.deadline);
    this.waiting = undefined;
  }

  /**
   * Queues an ICE restart of the subscriber PeerConnection behind the negotiations already queued: the SFU's
   * restart offer goes to the browser like any other. Resolves once that offer is sent (not answered: the answer
   * comes through the same socket queue as this request), rejects if the SFU refuses.
   */
  restartIce(): Promise<void> {
    if (this.closed) return Promise.reject(ServerError.invalidState('the subscription is closed'));
    if (!this.offered)
      return Promise.reject(ServerError.invalidState('no subscriber offer yet: nothing to restart'));
    return new Promise((resolve, reject) => {
      this.restarts.push({ resolve, reject });
      this.kick();
    });
  }

  /** The browser went away for a while: an offer out stays out, without a deadline, until `release`. */
  hold(): void {
    this.held = true;
    clearTimeout(this.waiting?.deadline);
  }

  /** The browser is back (on a new socket): the offer it may have missed is sent again, with a fresh deadline. */
  release(): void {
    this.held = false;
    if (!this.waiting) return;
    this.deliverOffer(this.waiting.offer);
    this.armDeadline();
  }

  private armDeadline(): void {
    const waiting = this.waiting;
    if (!waiting || this.held) return;
    waiting.deadline = setTimeout(
      () => waiting.reject(new Error('browser did not answer the subscriber offer in time')),
      ANSWER_TIMEOUT_MS,
    ).unref();
  }

  /** One of the browser's subscriber ICE candidates (null: end-of-candidates). */
  trickle(candidate: SfuCandidate | null): void {
    this.ice.add(candidate);
  }

  /** Resolves once every queued change has been negotiated (or failed). */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  private kick(): void {
    if (this.closed) return;
    if (this.running) {
      // The loop may have made its last check already (`running` is cleared a microtask after it returns):
      // run it once more then, or this change would wait for the next one.
      this.kickedWhileRunning = true;
      return;
    }
    this.running = this.loop().finally(() => {
      this.running = undefined;
      if (this.kickedWhileRunning) {
        this.kickedWhileRunning = false;
        this.kick();
      }
    });
  }

  private async loop(): Promise<void> {
    while (!this.closed) {
      const restart = this.restarts.shift();
      if (restart) {
        await this.restart(restart);
        continue;
      }
      const unsolicited = this.unsolicited.shift();
      if (unsolicited) {
        await this.negotiate(unsolicited);
        continue;
      }
      const add = [...this.desired].filter((f) => !this.current.has(f));
      const remove = [...this.current].filter((f) => !this.desired.has(f));
      if (add.length === 0 && remove.length === 0) return;
      let offer: SfuOffer | null;
      this.logger.debug({ add, remove }, 'subscription update');
      try {
        offer = await this.subscriber.update({ add, remove });
      } catch (error) {
        // A feed that vanished in between cannot be added; stop wanting it rather than retrying forever.
        this.logger.warn({ err: error, add, remove }, 'subscription update failed');
        for (const f of add) this.desired.delete(f);
        for (const f of remove) this.current.delete(f);
        continue;
      }
      for (const f of add) {
        this.current.add(f);
        this.endRampQuietly(f); // new m-lines: the SFU starts them on the first layer it has, no ramp
      }
      for (const f of remove) {
        this.current.delete(f);
        for (const key of [...this.layers.keys()]) if (key.startsWith(`${f}/`)) this.layers.delete(key);
      }
      if (offer) await this.negotiate(offer);
    }
  }

  /** The stream changes the SFU has not been sent yet (computed without waiting, so no kick is missed). */
  private duePauses(): { changes: StreamChange[] } {
    const changes: StreamChange[] = [];
    for (const stream of this.streams) {
      if (!this.current.has(stream.feedId)) continue;
      const source = this.sourceOf(stream);
      const applied = this.applied.get(stream.mid);
      const wanted = settingToApply(
        streamSetting({
          kind: stream.kind,
          source,
          feedPaused: this.pausedWanted.has(stream.feedId),
          layer: stream.kind === 'video' ? this.layers.get(`${stream.feedId}/${source}`) : undefined,
          resuming: this.ramps.has(stream.feedId),
        }),
        applied,
        { kind: stream.kind, source },
      );
      if (sameSetting(applied ?? { send: true }, wanted)) continue;
      changes.push({ mid: stream.mid, ...wanted });
    }
    return { changes };
  }

  /**
   * Sends the SFU due stream changes (pause, resume, layer). A failure is logged and left for the next change
   * or offer to retry, not retried in a loop.
   */
  private async applyPauses(due: ReturnType<Subscription['duePauses']>): Promise<void> {
    this.logger.debug({ changes: due.changes }, 'subscribed streams configured');
    try {
      await this.subscriber.setSending(due.changes);
    } catch (error) {
      this.logger.warn({ err: error, changes: due.changes }, 'configuring subscribed streams failed');
      return;
    }
    for (const { mid, ...setting } of due.changes) this.applied.set(mid, setting);
  }

  private async restart(request: { resolve(): void; reject(error: Error): void }): Promise<void> {
    let offer: SfuOffer;
    try {
      offer = await this.subscriber.restartIce();
    } catch (error) {
      request.reject(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    // The browser's candidates of the new ICE session wait until the SFU has its answer.
    this.ice.rewind();
    const negotiated = this.negotiate(offer);
    request.resolve();
    await negotiated;
  }

  private async negotiate(offer: SfuOffer): Promise<void> {
    const answer = new Promise<string>((resolve, reject) => {
      this.waiting = { offer, resolve, reject };
    });
    this.offered = true;
    // An m-line the SFU recycled for another feed (or dropped) starts afresh: relayed, default layer.
    const before = new Map(this.streams.map((st) => [st.mid, st.feedId]));
    const after = new Map(offer.streams.map((st) => [st.mid, st.feedId]));
    for (const mid of [...this.applied.keys()])
      if (before.get(mid) !== after.get(mid)) this.applied.delete(mid);
    this.streams = offer.streams;
    this.kickPauses(); // a feed paused before it was in an offer
    this.deliverOffer(offer);
    this.armDeadline();
    try {
      const sdp = await answer;
      this.logger.debug({ streams: offer.streams.length }, 'subscriber answered');
      await this.subscriber.answer(sdp);
      // Renegotiations keep the ICE session, so once open the gate stays open (an ICE restart rewinds it).
      this.ice.open();
    } catch (error) {
      this.logger.warn({ err: error }, 'subscriber negotiation failed');
    } finally {
      clearTimeout(this.waiting?.deadline);
      this.waiting = undefined;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const timer of this.ramps.values()) clearTimeout(timer);
    this.ramps.clear();
    this.ice.close();
    this.waiting?.reject(new Error('subscription closed'));
    clearTimeout(this.waiting?.deadline);
    this.waiting = undefined;
    for (const restart of this.restarts.splice(0)) restart.reject(new Error('subscription closed'));
    await this.subscriber.close();
  }
}

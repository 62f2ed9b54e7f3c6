/** An RTP port and the RTCP port after it. */
export interface PortPair {
  port: number;
  rtcpPort: number;
}

/**
 * The UDP port pairs this node's Janus may bind for remote publishers (JANUS_REMOTE_PORTS, kept apart from the
 * browsers' JANUS_RTP_PORT_RANGE): an even port for RTP, the next for RTCP.
 *
 * A released pair is not handed out again until `reset()` (our Janus restarted): Janus 1.1.2 closes a remote
 * publisher's sockets only when the publisher is freed, and every RTP packet it relays takes a reference that
 * is never given back (fixed upstream in 85f781de, 2024), so after `remove_remote_publisher` its ports stay
 * bound for the life of that Janus. Pure.
 */
export class PortPool {
  private readonly taken = new Set<number>();
  private readonly spent = new Set<number>();
  private next: number;
  private readonly first: number;
  private readonly last: number;

  constructor(range: { min: number; max: number }) {
    this.first = range.min % 2 === 0 ? range.min : range.min + 1;
    this.last = range.max;
    if (this.first + 1 > this.last) throw new RangeError(`no port pair fits ${range.min}-${range.max}`);
    this.next = this.first;
  }

  /** Pairs the range holds. */
  get capacity(): number {
    return Math.floor((this.last - this.first + 1) / 2);
  }

  /** Pairs held now. */
  get inUse(): number {
    return this.taken.size;
  }

  /** Pairs neither held nor spent. */
  get available(): number {
    return this.capacity - this.taken.size - this.spent.size;
  }

  /** A pair neither held nor spent, or undefined when there is none. */
  take(): PortPair | undefined {
    for (let i = 0; i < this.capacity; i++) {
      const port = this.next;
      this.next = port + 3 > this.last ? this.first : port + 2;
      if (this.taken.has(port) || this.spent.has(port)) continue;
      this.taken.add(port);
      return { port, rtcpPort: port + 1 };
    }
    return undefined;
  }

  /** The pair's remote publisher is gone (or was never made): spent until `reset`. */
  release(pair: PortPair): void {
    if (this.taken.delete(pair.port)) this.spent.add(pair.port);
  }

  /** Our Janus restarted: every spent pair is free again (pairs held now stay held). */
  reset(): void {
    this.spent.clear();
  }
}

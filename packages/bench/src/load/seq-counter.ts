// Counting the distinct RTP packets of one received stream: a retransmission (NACK answered) or a duplicate
// counts once, so received/expected is delivery, not traffic. Pure.

const WINDOW = 1 << 15;

export class SeqCounter {
  /** Distinct packets seen. */
  count = 0;
  /** Highest extended sequence number seen (sequence number plus 65536 per wrap), or -1 before the first. */
  private highest = -1;
  /** Extended sequence number + 1 of the packet last seen at each slot of the window. */
  private readonly slots = new Float64Array(WINDOW);

  /** Records one packet by its 16-bit sequence number; returns false for a duplicate. */
  add(seq: number): boolean {
    const ext = this.extend(seq & 0xffff);
    if (ext < this.highest - (WINDOW - 1)) return false; // older than the window: not new information
    const slot = ext % WINDOW;
    if (this.slots[slot] === ext + 1) return false;
    this.slots[slot] = ext + 1;
    if (ext > this.highest) this.highest = ext;
    this.count++;
    return true;
  }

  /** The extended number closest to the highest seen (RFC 3550 A.1 style wrap handling). */
  private extend(seq: number): number {
    if (this.highest < 0) return seq + 65536; // start one cycle up, so a late packet from before stays >= 0
    const base = this.highest - (this.highest & 0xffff);
    let ext = base + seq;
    if (ext - this.highest > 32768) ext -= 65536;
    else if (this.highest - ext > 32768) ext += 65536;
    return ext;
  }
}

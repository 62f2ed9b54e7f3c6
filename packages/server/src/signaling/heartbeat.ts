/**
 * Which pong counts as "alive": only one that echoes the payload of our latest ping. An unsolicited pong, or
 * one answering an older ping, counts for nothing, so a client cannot keep a dead-to-us socket open by
 * sending pongs of its own. Pure: the caller draws the random payload and sends the ping.
 */
export class PingTracker {
  private expected: Buffer | undefined;
  private answered = true;

  /**
   * One heartbeat: false if the previous ping went unanswered (the socket is to be dropped); otherwise
   * `payload` becomes the ping to send now, and true.
   */
  beat(payload: Buffer): boolean {
    if (!this.answered) return false;
    this.expected = payload;
    this.answered = false;
    return true;
  }

  /** A pong arrived: it counts only if it echoes the latest ping. */
  pong(payload: Buffer): void {
    if (this.expected !== undefined && payload.equals(this.expected)) this.answered = true;
  }
}

import { CLOSE_CODES } from '@backdrop/protocol';

/**
 * Every figure of the SDK's automatic recovery, in one place. RoomOptions.recovery overrides any of them
 * (tests shorten nothing: they run on a fake clock).
 */
export interface RecoverySettings {
  /** Once joined, a `ping` this often. */
  pingIntervalMs: number;
  /** Nothing at all from the server for this long: the socket is dead. */
  silenceTimeoutMs: number;
  /** Wait before reconnect attempt n (the last one repeats), each with ± `jitter`. */
  reconnectDelaysMs: readonly number[];
  /** Relative spread of every back-off delay, so clients cut off together do not come back together. */
  jitter: number;
  /** One reconnect attempt (open, welcome, resume or join) gets this long. */
  attemptTimeoutMs: number;
  /**
   * After the socket is lost, keep trying for the server's resume window or this long, whichever is longer;
   * then the call is over (`connection_lost`).
   */
  giveUpAfterMs: number;
  /** A PeerConnection `disconnected` this long gets an ICE restart (`failed` gets one at once). */
  iceDisconnectedGraceMs: number;
  /** While a PeerConnection stays down after a restart, the next one after these waits (the last repeats). */
  iceRetryDelaysMs: readonly number[];
  /** A restart round (offer/answer over signalling) that takes longer than this has failed. */
  iceRestartTimeoutMs: number;
}

export const DEFAULT_RECOVERY: RecoverySettings = {
  pingIntervalMs: 2_000,
  silenceTimeoutMs: 5_000,
  reconnectDelaysMs: [0, 250, 500, 1_000, 2_000, 4_000],
  jitter: 0.2,
  attemptTimeoutMs: 10_000,
  giveUpAfterMs: 60_000,
  iceDisconnectedGraceMs: 2_000,
  iceRetryDelaysMs: [2_000, 4_000, 8_000],
  iceRestartTimeoutMs: 10_000,
};

/**
 * The wait before attempt `attempt` (0-based) of a back-off schedule: the step for that attempt (the last step
 * repeats), spread by ± `jitter` with `random` in [0, 1). Pure.
 */
export function backoffDelay(
  delaysMs: readonly number[],
  attempt: number,
  jitter: number,
  random: () => number,
): number {
  if (delaysMs.length === 0) return 0;
  const base = delaysMs[Math.min(attempt, delaysMs.length - 1)]!;
  return Math.max(0, Math.round(base * (1 + jitter * (2 * random() - 1))));
}

/** Why the signalling socket went away. */
export type SocketLoss =
  | { kind: 'closed'; code: number; reason: string }
  /** The heartbeat heard nothing for `silenceTimeoutMs`. */
  | { kind: 'silent' }
  /** The browser came back `online` after `offline`: the old connection rode on a network that is gone. */
  | { kind: 'networkChanged' };

/**
 * Close codes after which coming back would be refused again (the server cut us off for abuse), or would take
 * the call away from where it now goes on (4006: this participant resumed on another socket, another tab).
 */
const FINAL_CLOSE_CODES: ReadonlySet<number> = new Set([
  CLOSE_CODES.resumedElsewhere,
  CLOSE_CODES.removed,
  CLOSE_CODES.rateLimited,
  CLOSE_CODES.tooManyBadMessages,
  CLOSE_CODES.slowConsumer,
  CLOSE_CODES.tooManyConnections,
  CLOSE_CODES.messageTooBig,
  CLOSE_CODES.invalidPayload,
]);

/**
 * Whether a lost socket is worth a reconnect. Not after the abuse codes (4001–4004) or a frame the server
 * refused (1009 too big, 1007 not UTF-8): the same client would be cut off again. Every other loss (1006, 1001, 1012,
 * 4005, silence, a network change, a close after `shuttingDown`) is what reconnection is for. Pure.
 */
export function shouldReconnect(loss: SocketLoss): boolean {
  return loss.kind !== 'closed' || !FINAL_CLOSE_CODES.has(loss.code);
}

/** How a loss reads in the `connection_lost` error once recovery gave up. */
export function describeLoss(loss: SocketLoss): string {
  switch (loss.kind) {
    case 'closed':
      return `disconnected from the server (${loss.code} ${loss.reason})`;
    case 'silent':
      return 'the server stopped answering';
    case 'networkChanged':
      return 'the network changed';
  }
}

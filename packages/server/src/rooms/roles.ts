import type { Role } from '@backdrop/protocol';

/** What role decisions need of a participant (Participant has it; tests pass plain objects). */
export interface RoleHolder {
  readonly role: Role;
  /** Its socket is lost and its resume window open. */
  readonly isAway: boolean;
}

/**
 * The role of someone entering: host if it opened the host link or the room has no host now (its first
 * participant, or everyone left but people still joining). Pure.
 */
export function roleOnEntry(withHostKey: boolean, present: Iterable<RoleHolder>): Role {
  if (withHostKey) return 'host';
  for (const p of present) if (p.role === 'host') return 'participant';
  return 'host';
}

/**
 * Who becomes host when the last host has left: the longest-present participant whose connection is up, or
 * the longest-present one if all are away (as Google Meet does). Undefined if a host remains or nobody is
 * left. `inJoinOrder` is the room's participants, oldest first. Pure.
 */
export function successor<T extends RoleHolder>(inJoinOrder: readonly T[]): T | undefined {
  if (inJoinOrder.some((p) => p.role === 'host')) return undefined;
  return inJoinOrder.find((p) => !p.isAway) ?? inJoinOrder[0];
}

import type { MediaSource, ParticipantInfo, Role, ServerMessage } from '@backdrop/protocol';
import type { RoutedParticipant } from './media-router.js';

/** Nothing to subscribe for someone else's browser: its subscriptions live on its own node. */
const NO_SUBSCRIPTION: RoutedParticipant['subscription'] = {
  want: () => undefined,
  unwant: () => undefined,
  pause: () => undefined,
};

/**
 * Someone in this meeting whose browser is on another node of the cluster (a room cascaded over several
 * nodes, cluster/room-cascade.ts). The room shows it like a local participant (roster, tiles, state); its
 * media reaches our SFU through a remote publisher with the same feed id, which our participants subscribe to
 * once `publishing` is true. It has no socket here: messages to it are dropped (its own node tells it).
 */
export class RemoteParticipant implements RoutedParticipant {
  /** Its remote publisher exists in our SFU: our participants may subscribe to its feed. */
  publishing = false;
  sharing = false;
  /** Which source each mid of its remote publisher carries (mids are "0", "1", ... in m-line order). */
  sources = new Map<string, MediaSource>();
  readonly subscription = NO_SUBSCRIPTION;

  constructor(
    readonly id: string,
    readonly feedId: number,
    public name: string,
    public role: Role,
    /** The node its browser is on. */
    readonly node: string,
  ) {}

  get info(): ParticipantInfo {
    return { id: this.id, name: this.name, role: this.role };
  }

  send(_message: ServerMessage): void {}
}

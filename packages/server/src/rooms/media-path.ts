import type { ServerMessageOf } from '@backdrop/protocol';

/**
 * How a room's media flows. `direct`: its two participants send to each other browser to browser; `first`
 * (the earlier joiner) is the impolite side of perfect negotiation, `second` the polite one. `sfu`: everyone
 * through the SFU.
 */
export type MediaPath = { kind: 'sfu' } | { kind: 'direct'; first: string; second: string };

/** What the policy needs to know of a participant. */
export interface PathMember {
  id: string;
  /** Its media reached the SFU: it has tracks, so a direct PeerConnection has something to send. */
  publishing: boolean;
  /** Sharing its screen: the share goes through the SFU only, so the room does too meanwhile. */
  sharing?: boolean;
}

export const SFU_PATH: MediaPath = { kind: 'sfu' };

/**
 * The path for the room as it is now (members in join order): direct when P2P is on and there are exactly two
 * participants, both publishing, neither sharing its screen; the SFU otherwise. A participant still setting up
 * its publisher keeps the room on the SFU, so the direct PeerConnection always starts with both sides' tracks.
 * A screen share is published to the SFU only (one more m-line there, none on the direct PeerConnection): the
 * pair moves to the SFU while it lasts, with the usual gapless switch, and back when it ends.
 */
export function decideMediaPath(p2p: boolean, members: readonly PathMember[]): MediaPath {
  if (!p2p || members.length !== 2) return SFU_PATH;
  const [first, second] = members as [PathMember, PathMember];
  if (!first.publishing || !second.publishing) return SFU_PATH;
  if (first.sharing || second.sharing) return SFU_PATH;
  return { kind: 'direct', first: first.id, second: second.id };
}

/** The other participant of a direct path, if `id` is one of its two. */
export function directPeer(path: MediaPath, id: string): string | undefined {
  if (path.kind !== 'direct') return undefined;
  if (path.first === id) return path.second;
  if (path.second === id) return path.first;
  return undefined;
}

/** The `mediaPath` message that tells participant `id` about `path`. */
export function pathMessage(path: MediaPath, id: string): ServerMessageOf<'mediaPath'> {
  const peerId = directPeer(path, id);
  if (peerId === undefined) return { type: 'mediaPath', path: 'sfu' };
  return { type: 'mediaPath', path: 'direct', peerId, polite: path.kind === 'direct' && path.second === id };
}

/** Whether two paths tell participant `id` the same thing (so nothing needs to be sent to it). */
export function samePathFor(a: MediaPath, b: MediaPath, id: string): boolean {
  const x = pathMessage(a, id);
  const y = pathMessage(b, id);
  return x.path === y.path && (x.path === 'sfu' || (y.path === 'direct' && x.peerId === y.peerId));
}

/**
 * How `subscriber` gets `publisher`'s feed from the SFU. `none`: not at all (nothing published, or its own).
 * `paused`: subscribed, but not relayed, because the two are the direct pair and the subscriber said it shows
 * the peer's media from the direct PeerConnection (`directMedia`); the m-lines stay, so the switch back to
 * the SFU needs no renegotiation, only a resume and a keyframe. `relayed` otherwise: until the subscriber says
 * so, the SFU keeps sending, so the switch to direct shows no gap, and a direct path that never comes up leaves
 * the SFU's working.
 */
export type SfuDelivery = 'none' | 'paused' | 'relayed';

export function sfuDelivery(
  path: MediaPath,
  subscriber: string,
  publisher: PathMember,
  receivesDirectly: boolean,
): SfuDelivery {
  if (!publisher.publishing || publisher.id === subscriber) return 'none';
  return receivesDirectly && directPeer(path, subscriber) === publisher.id ? 'paused' : 'relayed';
}

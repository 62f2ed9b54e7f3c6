import { ChatEntry, MediaSource, NodeId, ParticipantId, Role } from '@backdrop/protocol';
import * as z from 'zod';
import { isPrivateIpv4 } from '../config/schema.js';

/**
 * What the nodes hosting parts of one room tell each other, on the room's Redis pub/sub channel. Another node is
 * input like a browser: every message is parsed with these schemas on receipt, and one that fails is dropped
 * (logged). None of this reaches a browser as such: each node turns it into the ordinary wire messages.
 */

/** Largest message accepted from the channel (a member with 4 streams is well under 1 KiB; chat ≤ 2 KiB text). */
export const CASCADE_MESSAGE_MAX_BYTES = 16 * 1024;

/** A Janus feed id (we make them 1 .. 2^47). */
const FeedId = z
  .number()
  .int()
  .min(1)
  .max(2 ** 53 - 1);

/** One m-line of a member's publisher, in order: what the remote publisher on another Janus must mirror. */
export const CascadeStream = z.strictObject({ kind: z.enum(['audio', 'video']), source: MediaSource });
export type CascadeStream = z.infer<typeof CascadeStream>;

/** What another node shows of a member: name and role, its meeting state, and its feed once it publishes. */
export const CascadeMemberState = z.strictObject({
  micMuted: z.boolean(),
  cameraOff: z.boolean(),
  hand: z.boolean(),
  talking: z.boolean(),
});
export type CascadeMemberState = z.infer<typeof CascadeMemberState>;

export const CascadeMember = z.strictObject({
  id: ParticipantId,
  name: z.string().min(1).max(256),
  role: Role,
  feedId: FeedId,
  /** The member's publisher reached its Janus: other nodes may mirror it now. */
  publishing: z.boolean(),
  sharing: z.boolean(),
  streams: z.array(CascadeStream).max(4),
  state: CascadeMemberState,
});
export type CascadeMember = z.infer<typeof CascadeMember>;

/** Where a node's remote publisher for a feed listens (its private/loopback address, never a public one). */
export const CascadeEndpoint = z.strictObject({
  // Never a public address: the hop is plain RTP, and a node must not be made to send media anywhere else.
  host: z.ipv4().refine(isPrivateIpv4, 'must be a loopback or private address'),
  port: z.number().int().min(1).max(65535),
  rtcpPort: z.number().int().min(1).max(65535),
});
export type CascadeEndpoint = z.infer<typeof CascadeEndpoint>;

export const CascadeMessage = z.discriminatedUnion('type', [
  /** A node opened its part of the room: the others announce their members to it. */
  z.strictObject({ type: z.literal('hello'), from: NodeId }),
  /** One of `from`'s members, new or changed (joined, publishing, sharing, role). */
  z.strictObject({ type: z.literal('member'), from: NodeId, member: CascadeMember }),
  z.strictObject({ type: z.literal('memberLeft'), from: NodeId, participantId: ParticipantId }),
  z.strictObject({
    type: z.literal('state'),
    from: NodeId,
    participantId: ParticipantId,
    state: CascadeMemberState,
  }),
  z.strictObject({ type: z.literal('chat'), from: NodeId, entry: ChatEntry }),
  /** `from` made a remote publisher for `to`'s feed: `to` forwards the feed's RTP there. */
  z.strictObject({
    type: z.literal('listening'),
    from: NodeId,
    to: NodeId,
    feedId: FeedId,
    endpoint: CascadeEndpoint,
  }),
  /** `from` closed its part of the room: its members are gone, and nothing is forwarded to it any more. */
  z.strictObject({ type: z.literal('bye'), from: NodeId }),
]);
export type CascadeMessage = z.infer<typeof CascadeMessage>;

/** Parses one message from the channel; undefined (with the reason) if it is not one. */
export function parseCascadeMessage(
  text: string,
): { ok: true; message: CascadeMessage } | { ok: false; reason: string } {
  if (text.length > CASCADE_MESSAGE_MAX_BYTES) return { ok: false, reason: 'too large' };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  const parsed = CascadeMessage.safeParse(json);
  if (!parsed.success) return { ok: false, reason: parsed.error.message.slice(0, 300) };
  return { ok: true, message: parsed.data };
}

/** The room's channel name. */
export function cascadeChannel(room: string): string {
  return `backdrop:cascade:${room}`;
}

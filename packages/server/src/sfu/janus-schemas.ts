import * as z from 'zod';

/** A JSEP blob as Janus sends it. */
export const Jsep = z.looseObject({ type: z.enum(['offer', 'answer']), sdp: z.string() });
export type Jsep = z.infer<typeof Jsep>;

/** Any message Janus sends over its WebSocket API. Unknown fields are kept; shapes we rely on are checked. */
export const JanusMessage = z.looseObject({
  janus: z.string(),
  transaction: z.string().optional(),
  session_id: z.number().optional(),
  sender: z.number().optional(),
  data: z.looseObject({ id: z.number() }).optional(),
  error: z.looseObject({ code: z.number(), reason: z.string() }).optional(),
  plugindata: z.looseObject({ plugin: z.string(), data: z.record(z.string(), z.unknown()) }).optional(),
  jsep: Jsep.optional(),
  reason: z.string().optional(),
});
export type JanusMessage = z.infer<typeof JanusMessage>;

/** One entry of a VideoRoom subscriber's `streams` list. */
export const VideoRoomSubscriberStream = z.looseObject({
  mid: z.string(),
  type: z.string(),
  active: z.boolean().optional(),
  feed_id: z.number().optional(),
  feed_display: z.string().optional(),
  feed_mid: z.string().optional(),
});

/** The plugin data of a VideoRoom event: an error, or a named event with its fields. */
export const VideoRoomData = z.looseObject({
  videoroom: z.string(),
  error_code: z.number().optional(),
  error: z.string().optional(),
  room: z.number().optional(),
  streams: z.array(VideoRoomSubscriberStream).optional(),
});
export type VideoRoomData = z.infer<typeof VideoRoomData>;

/**
 * The `candidate` of a Janus `trickle` event: one of Janus's own candidates (sent only with full_trickle), or
 * `{completed: true}` once it has no more.
 */
export const JanusTrickleCandidate = z.union([
  z.looseObject({ completed: z.literal(true) }),
  z.looseObject({
    candidate: z.string(),
    sdpMid: z.string().optional(),
    sdpMLineIndex: z.number().int().optional(),
  }),
]);
export type JanusTrickleCandidate = z.infer<typeof JanusTrickleCandidate>;

/**
 * A VideoRoom audio-level event (rooms made with `audiolevel_event`): Janus 1.1.2 sends it to every publisher
 * handle in the room, the talker's own included, with the talker's feed `id`.
 */
export const VideoRoomTalkingEvent = z.looseObject({
  videoroom: z.enum(['talking', 'stopped-talking']),
  id: z.number(),
  'audio-level-dBov-avg': z.number().optional(),
});

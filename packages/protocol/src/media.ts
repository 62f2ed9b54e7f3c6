import * as z from 'zod';

/**
 * Screen share and simulcast layer selection (issue 11, items 1 and 7). Kept apart from messages.ts so the
 * shared unions only gain one entry per message.
 */

/** Which of a participant's two videos a stream carries: the camera (simulcast) or a screen share. */
export const MediaSource = z.enum(['camera', 'screen']);
export type MediaSource = z.infer<typeof MediaSource>;

/**
 * The simulcast layer a receiver wants of one video, or `off` (not on screen: the SFU stops relaying it).
 * Layers are the camera's three encodings (rid l/m/h: quarter, half and full resolution); a screen share has
 * one layer, so for it anything but `off` means "send".
 */
export const VideoLayer = z.enum(['off', 'low', 'medium', 'high']);
export type VideoLayer = z.infer<typeof VideoLayer>;
export const VIDEO_LAYERS = VideoLayer.options;

/** How many videos one `videoLayers` message may name: two per other participant of a full room. */
export const MAX_VIDEO_LAYER_ENTRIES = 32;

const PeerId = z.string().regex(/^p_[A-Za-z0-9_-]{1,62}$/, 'must be a participant id');

/**
 * The browser started (`active: true`) or stopped sharing its screen. The share travels on the publisher's
 * second video m-line (and second audio m-line for tab/system audio), negotiated from the first publish, so
 * this needs no renegotiation; the server tells everyone else (`screenShare` from the server).
 */
export const ScreenShareMessage = z.strictObject({
  type: z.literal('screenShare'),
  id: z.union([z.string().max(64), z.number().int().safe()]).optional(),
  active: z.boolean(),
});

/**
 * Which layer this browser wants of the videos it receives, by participant and source (a tile's size on
 * screen, `off` when it is not on screen). Entries for participants it does not receive are ignored (a leave
 * can cross this message). The server applies them with VideoRoom `configure` (substream, send), rate-limited.
 */
export const VideoLayersMessage = z.strictObject({
  type: z.literal('videoLayers'),
  id: z.union([z.string().max(64), z.number().int().safe()]).optional(),
  streams: z
    .array(z.strictObject({ participantId: PeerId, source: MediaSource, layer: VideoLayer }))
    .min(1)
    .max(MAX_VIDEO_LAYER_ENTRIES),
});

/** Server to client: participant `participantId` started or stopped sharing its screen. */
export const ScreenShareNotice = z.strictObject({
  type: z.literal('screenShare'),
  participantId: z.string().min(1).max(64),
  active: z.boolean(),
});

import * as z from 'zod';

/** Optional request id echoed back as `replyTo`, so a client can match replies. */
export const RequestId = z.union([z.string().max(64), z.number().int().safe()]).optional();

/** A participant id in a server message (the server stamps them; a client never chooses one). */
export const ParticipantId = z.string().min(1).max(64);

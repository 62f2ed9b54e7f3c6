import pino from 'pino';
import { JanusClient } from '../../packages/server/src/sfu/janus-client.js';
import { VideoRoomSfu } from '../../packages/server/src/sfu/videoroom.js';
import { FakeJanus } from './fake-janus-sfu.js';

/** A VideoRoomSfu on its own JanusClient talking to a FakeJanus, for VideoRoom logic tests. */
export interface FakeVideoRoom {
  janus: FakeJanus;
  sfu: VideoRoomSfu;
  /** Closes the client, then the fake: for afterEach. */
  close(): Promise<void>;
}

export async function startFakeVideoRoom(
  options: { adminKey?: string; requestTimeoutMs?: number } = {},
): Promise<FakeVideoRoom> {
  const logger = pino({ level: 'silent' });
  const janus = await FakeJanus.start();
  try {
    const client = await JanusClient.connect(janus.url, 'secret', logger, {
      requestTimeoutMs: options.requestTimeoutMs ?? 500,
      keepaliveMs: 60_000,
      pingMs: 60_000,
    });
    return {
      janus,
      sfu: new VideoRoomSfu(client, options.adminKey, logger),
      close: async () => {
        client.close();
        await janus.close();
      },
    };
  } catch (error) {
    await janus.close();
    throw error;
  }
}

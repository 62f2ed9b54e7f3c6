import type { ClientMessage, ServerMessage } from '@backdrop/protocol';
import WebSocket from 'ws';
import { poll } from './poll.js';

/**
 * A participant with no media, speaking the signalling protocol from Node: it joins, records every message
 * with the time it arrived, and can send in-call messages. For asserting what the server tells a room.
 */
export class MeetingObserver {
  readonly received: { at: number; message: ServerMessage }[] = [];
  participantId = '';

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.received.push({ at: performance.now(), message: JSON.parse(String(data)) as ServerMessage });
    });
  }

  static async join(wsUrl: string, room: string, name: string): Promise<MeetingObserver> {
    const socket = new WebSocket(wsUrl);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    const observer = new MeetingObserver(socket);
    observer.send({ type: 'join', room, name });
    const joined = await observer.next('joined', 15_000);
    observer.participantId = joined.participantId;
    return observer;
  }

  send(message: ClientMessage): void {
    this.socket.send(JSON.stringify(message));
  }

  of<T extends ServerMessage['type']>(type: T): Extract<ServerMessage, { type: T }>[] {
    return this.received
      .map((r) => r.message)
      .filter((m): m is Extract<ServerMessage, { type: T }> => m.type === type);
  }

  /** The first message of `type` matching `where`, waiting up to `timeoutMs`. */
  next<T extends ServerMessage['type']>(
    type: T,
    timeoutMs: number,
    where: (m: Extract<ServerMessage, { type: T }>) => boolean = () => true,
  ): Promise<Extract<ServerMessage, { type: T }>> {
    return poll(`${type} on the observer`, timeoutMs, async () => this.of(type).find(where), 20);
  }

  /** Whom (by participant id) the server last said is speaking, and when each state arrived. */
  speakingLog(participantId: string): { at: number; speaking: boolean }[] {
    return this.received.flatMap(({ at, message }) =>
      message.type === 'participantState' && message.state.participantId === participantId
        ? [{ at, speaking: message.state.speaking }]
        : [],
    );
  }

  close(): void {
    this.socket.close();
  }
}

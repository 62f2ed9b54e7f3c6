import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';

/** A request our JanusClient sent, as parsed JSON. */
export type FakeJanusRequest = Record<string, unknown> & {
  janus: string;
  transaction: string;
  body?: Record<string, unknown>;
};

/** What to do with one request: answer with these messages (now, or after `delayMs`), or never answer. */
export type FakeJanusAnswer = { messages: object[]; delayMs?: number } | 'silent';

/** Janus's synchronous plugin answer (`success` with the VideoRoom's data) to one request. */
export function pluginSuccess(request: FakeJanusRequest, data: object): FakeJanusAnswer {
  return {
    messages: [
      {
        janus: 'success',
        transaction: request.transaction,
        session_id: 42,
        sender: request.handle_id,
        plugindata: { plugin: 'janus.plugin.videoroom', data },
      },
    ],
  };
}

/**
 * Janus's asynchronous plugin answer to one request: `ack`, then the `event` with the VideoRoom's data and an
 * optional jsep (after `delayMs` when given; the ack then comes late too, which no test tells apart).
 */
export function pluginEvent(
  request: FakeJanusRequest,
  data: object,
  jsep?: { type: string; sdp: string },
  delayMs?: number,
): FakeJanusAnswer {
  const { transaction } = request;
  return {
    messages: [
      { janus: 'ack', transaction, session_id: 42 },
      {
        janus: 'event',
        transaction,
        session_id: 42,
        sender: request.handle_id,
        plugindata: { plugin: 'janus.plugin.videoroom', data },
        ...(jsep ? { jsep } : {}),
      },
    ],
    ...(delayMs ? { delayMs } : {}),
  };
}

/**
 * A tiny stand-in for Janus's WebSocket API on 127.0.0.1, for JanusClient logic tests: it answers session,
 * attach, detach, keepalive and VideoRoom create/destroy like Janus 1.1.2, records every request, and lets a
 * test delay, drop or replace answers, stop answering pings, or push unsolicited messages.
 */
export class FakeJanus {
  readonly requests: FakeJanusRequest[] = [];
  /** Return an answer to override the default for this request, or undefined for the default. */
  override: (request: FakeJanusRequest) => FakeJanusAnswer | undefined = () => undefined;
  private nextHandle = 1000;
  private socket: WebSocket | undefined;

  private constructor(
    private readonly wss: WebSocketServer,
    readonly url: string,
  ) {
    wss.on('connection', (ws) => {
      this.socket = ws;
      ws.on('message', (data) => this.onRequest(ws, JSON.parse(data.toString()) as FakeJanusRequest));
    });
  }

  static async start(options: { autoPong?: boolean } = {}): Promise<FakeJanus> {
    const wss = new WebSocketServer({
      host: '127.0.0.1',
      port: 0,
      autoPong: options.autoPong ?? true,
      handleProtocols: () => 'janus-protocol',
    });
    await new Promise((resolve) => wss.once('listening', resolve));
    return new FakeJanus(wss, `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
  }

  /** Sends a message no request asked for (e.g. a session `timeout` event). */
  push(message: object): void {
    this.socket?.send(JSON.stringify(message));
  }

  private onRequest(ws: WebSocket, request: FakeJanusRequest): void {
    this.requests.push(request);
    const answer = this.override(request) ?? this.defaultAnswer(request);
    if (answer === 'silent') return;
    const send = () => {
      for (const message of answer.messages) ws.send(JSON.stringify(message));
    };
    if (answer.delayMs) setTimeout(send, answer.delayMs);
    else send();
  }

  private defaultAnswer(request: FakeJanusRequest): FakeJanusAnswer {
    const { transaction } = request;
    switch (request.janus) {
      case 'create':
        return { messages: [{ janus: 'success', transaction, data: { id: 42 } }] };
      case 'attach':
        return {
          messages: [{ janus: 'success', transaction, session_id: 42, data: { id: this.nextHandle++ } }],
        };
      case 'keepalive':
        return { messages: [{ janus: 'ack', transaction, session_id: 42 }] };
      case 'detach':
        return { messages: [{ janus: 'success', transaction, session_id: 42 }] };
      case 'message': {
        const body = request.body ?? {};
        const videoroom = body.request === 'create' ? 'created' : 'destroyed';
        return pluginSuccess(request, { videoroom, room: body.room });
      }
      default:
        return {
          messages: [{ janus: 'error', transaction, error: { code: 490, reason: 'unknown request' } }],
        };
    }
  }

  async close(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    await new Promise((resolve) => this.wss.close(resolve));
  }
}

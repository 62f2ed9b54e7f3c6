import type { WebSocket } from 'ws';
import type { FakeMessage } from './static-server.js';

/** Answers join, publish, ping and leave: enough for the call screen with our own tile published. */
export function callServer(answer: (offer: string) => Promise<string>, room = 'devices') {
  return (socket: WebSocket, onMessage: (handle: (m: FakeMessage) => void) => void) => {
    socket.send(JSON.stringify({ type: 'welcome', protocol: 1 }));
    onMessage(async (raw) => {
      const m = raw as FakeMessage & { sdp?: string };
      const reply = (message: object) => socket.send(JSON.stringify({ replyTo: m.id, ...message }));
      if (m.type === 'join')
        reply({
          type: 'joined',
          room,
          participantId: 'p_ann',
          participants: [],
          iceServers: [],
          resumeToken: `t${'0'.repeat(42)}`,
          resumeWindowMs: 2000,
          resumed: false,
        });
      else if (m.type === 'publish') reply({ type: 'publishAnswer', sdp: await answer(m.sdp!) });
      else if (m.type === 'ping') reply({ type: 'pong' });
      else if (m.type === 'leave') reply({ type: 'left' });
    });
  };
}

// Bigger UDP socket buffers for the bots' sockets. A bot process receives every stream of the room (7.8k packets
// a second at 10 participants) on sockets that werift makes with the kernel's default buffer (rmem_default,
// 208 KiB here); when the Node event loop falls behind for a moment the kernel drops datagrams, and the bench
// would measure the bots' limit instead of Janus's. The size is capped by net.core.rmem_max (not changed).
import dgram from 'node:dgram';
import { syncBuiltinESMExports } from 'node:module';

/** What each bot socket asks for (the kernel grants up to net.core.rmem_max / wmem_max). */
export const BOT_SOCKET_BUFFER_BYTES = 4 * 1024 * 1024;

/** Makes every UDP socket created from now on in this process ask for `bytes` of receive and send buffer. */
export function enlargeUdpBuffers(bytes = BOT_SOCKET_BUFFER_BYTES): void {
  const original = dgram.createSocket;
  const patched = (
    type: dgram.SocketType | dgram.SocketOptions,
    listener?: (msg: Buffer, rinfo: dgram.RemoteInfo) => void,
  ) => {
    const options: dgram.SocketOptions = typeof type === 'string' ? { type } : { ...type };
    options.recvBufferSize ??= bytes;
    options.sendBufferSize ??= bytes;
    return original(options, listener);
  };
  dgram.createSocket = patched as typeof dgram.createSocket;
  // werift imports `createSocket` by name: builtin named exports follow the patched default only once synced.
  syncBuiltinESMExports();
}

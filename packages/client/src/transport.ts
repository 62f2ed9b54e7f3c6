/**
 * The seams between `Room` and the browser: the signalling socket, the PeerConnections, network-change
 * notices and time. Room only ever uses these interfaces; `browser-transport.ts` gives the browser's, and the
 * Node tests give fakes (packages/client/test), so reconnection and resume are tested without a browser.
 */

/** What the signalling layer is told about its socket. */
export interface SocketHandlers {
  /** One text frame from the server, not yet parsed. */
  onMessage(data: string): void;
  /** The socket is closed (1006 when it failed or was never opened). Called once. */
  onClose(code: number, reason: string): void;
}

/** The part of a WebSocket the signalling layer uses. */
export interface SignalingSocket {
  send(data: string): void;
  close(code: number, reason: string): void;
}

/** Opens a socket to `url`; may throw for a malformed URL. */
export type SocketFactory = (url: string, handlers: SocketHandlers) => SignalingSocket;

/** The part of `RTCPeerConnection` that Room and TrickleIce use. */
export type PeerConnection = Pick<
  RTCPeerConnection,
  | 'addTransceiver'
  | 'createOffer'
  | 'createAnswer'
  | 'setLocalDescription'
  | 'setRemoteDescription'
  | 'localDescription'
  | 'remoteDescription'
  | 'addIceCandidate'
  | 'getSenders'
  | 'getTransceivers'
  | 'setConfiguration'
  | 'close'
  | 'addEventListener'
  | 'removeEventListener'
  | 'connectionState'
  | 'iceConnectionState'
  | 'signalingState'
>;

export type PeerConnectionFactory = (configuration: RTCConfiguration) => PeerConnection;

/**
 * `offline`/`online`: the browser lost or regained its network; `changed`: the network under us changed
 * (another Wi-Fi, Wi-Fi to mobile), as `navigator.connection` reports it.
 */
export type NetworkChange = 'offline' | 'online' | 'changed';

export interface NetworkMonitor {
  /** Calls `listener` on every change until the returned function is called. */
  subscribe(listener: (change: NetworkChange) => void): () => void;
}

/** Time as Room sees it: fake in tests, so a 60 s give-up takes no real time. */
export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

import type {
  Clock,
  NetworkChange,
  NetworkMonitor,
  PeerConnectionFactory,
  SocketFactory,
} from './transport.js';

/** The browser's WebSocket (or any global one with the same API, e.g. `ws` installed in Node tests). */
export const browserSocketFactory: SocketFactory = (url, handlers) => {
  const ws = new WebSocket(url);
  ws.addEventListener('message', (event) => handlers.onMessage(String(event.data)));
  // An `error` is always followed by `close`, which says all there is; without a listener Node's `ws` throws.
  ws.addEventListener('error', () => undefined);
  ws.addEventListener('close', (event) => handlers.onClose(event.code, event.reason), { once: true });
  return { send: (data) => ws.send(data), close: (code, reason) => ws.close(code, reason) };
};

export const browserPeerConnectionFactory: PeerConnectionFactory = (configuration) =>
  new RTCPeerConnection(configuration);

/** `navigator.connection` where the browser has it (Chromium); its `change` fires on a network change. */
interface NetworkInformationLike extends EventTarget {}

/** `online`/`offline` on window and `navigator.connection`'s `change`; nothing where there is no window. */
export const browserNetworkMonitor: NetworkMonitor = {
  subscribe(listener) {
    if (typeof window === 'undefined') return () => undefined;
    const on = (change: NetworkChange) => () => listener(change);
    const offline = on('offline');
    const online = on('online');
    const changed = on('changed');
    const connection = (navigator as { connection?: NetworkInformationLike }).connection;
    window.addEventListener('offline', offline);
    window.addEventListener('online', online);
    connection?.addEventListener('change', changed);
    return () => {
      window.removeEventListener('offline', offline);
      window.removeEventListener('online', online);
      connection?.removeEventListener('change', changed);
    };
  },
};

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>),
};

import { render } from 'preact';
import { App } from './app.js';
import { AppStore } from './app-store.js';
import { CallSession } from './call-session.js';
import { dropEarlyMedia } from './early-media.js';
import { LocalMedia, preloadChosenEffect } from './media.js';
import { initMetrics } from './metrics.js';
import { parseParams, roomFromPath } from './params.js';
import { initialScreen } from './screen.js';
import { storedName } from './stored-name.js';

initMetrics();
const path = roomFromPath(location.pathname);
const params = parseParams(location.search);
if (path.room) document.title = `${path.room} · Backdrop`;
if (path.room) preloadChosenEffect(params.effect);
else dropEarlyMedia();

const signalingUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
// Test and troubleshooting switch: `?ice=relay` sends all media through the server's TURN.
const relay = new URLSearchParams(location.search).get('ice') === 'relay';

const store = new AppStore(
  initialScreen(path, { name: params.name ?? storedName(), autojoin: params.autojoin }),
  {
    params,
    async openMedia(callbacks) {
      const opened = await LocalMedia.open();
      performance.mark('backdrop:media-open');
      await opened.media.startEffect(params.effect ?? { kind: 'none' }, {
        onProgress: (fraction) => callbacks.onProgress(fraction),
        onReady: () => callbacks.onReady(),
        onEffectError: (text) => callbacks.onEffectError(text),
        onDeviceNotice: (text, notice) => callbacks.onDeviceNotice(text, notice),
      });
      performance.mark('backdrop:effect-started');
      return opened;
    },
    createSession: (options) =>
      new CallSession({ ...options, signalingUrl, ...(relay && { iceTransportPolicy: 'relay' }) }),
  },
);
const root = document.getElementById('app')!;
// Preact renders next to what is there: the page's "Loading…" placeholder has to go first.
root.replaceChildren();
render(<App store={store} />, root);

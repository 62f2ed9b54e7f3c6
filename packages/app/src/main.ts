import { h, setPageState } from './dom.js';
import { renderLanding } from './landing.js';
import { renderLobby } from './lobby.js';
import { createLogger } from './log.js';
import { initMetrics } from './metrics.js';
import { parseParams, roomFromPath } from './params.js';

initMetrics();
const log = createLogger('app');
const root = document.getElementById('app')!;
const { room, problem } = roomFromPath(location.pathname);
if (problem) {
  setPageState('error');
  root.replaceChildren(
    h('div', { class: 'card' }, h('h1', {}, problem), h('a', { href: '/' }, 'Back to Backdrop')),
  );
} else if (room) {
  document.title = `${room} · Backdrop`;
  renderLobby(root, room, parseParams(location.search)).catch((error: unknown) => {
    log.error('lobby failed', { room, error });
    setPageState('error');
    root.replaceChildren(
      h('div', { class: 'card' }, h('h1', {}, 'Something went wrong'), h('p', {}, String(error))),
    );
  });
} else {
  renderLanding(root);
}

import { h, setPageState } from './dom.js';
import { renderLanding } from './landing.js';
import { renderLobby } from './lobby.js';
import { parseParams, roomFromPath } from './params.js';

window.backdropMetrics = { firstRemoteFrameMs: null };
const root = document.getElementById('app')!;
const { room, problem } = roomFromPath(location.pathname);
if (problem) {
  setPageState('error');
  root.replaceChildren(
    h('div', { class: 'card' }, h('h1', {}, problem), h('a', { href: '/' }, 'Back to Backdrop')),
  );
} else if (room) {
  renderLobby(root, room, parseParams(location.search)).catch((error: unknown) => {
    setPageState('error');
    root.replaceChildren(
      h('div', { class: 'card' }, h('h1', {}, 'Something went wrong'), h('p', {}, String(error))),
    );
  });
} else {
  renderLanding(root);
}

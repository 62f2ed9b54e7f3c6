import { type CallEnd, endScreen } from './connection.js';
import { h, setPageState } from './dom.js';

/** The screen after a call: why it ended, Rejoin (same name and camera), and Back to lobby. */
export function renderEnded(
  root: HTMLElement,
  options: { roomName: string; end: CallEnd; onRejoin(): void; onLobby(): void },
): void {
  const screen = endScreen(options.end, options.roomName);
  setPageState(screen.state);
  const rejoin = h(
    'button',
    { type: 'button', class: 'primary', onclick: () => options.onRejoin() },
    'Rejoin',
  );
  root.replaceChildren(
    h(
      'section',
      { class: `card ended ${screen.state}`, 'aria-labelledby': 'ended-title' },
      h('h1', { id: 'ended-title' }, screen.title),
      h('p', { class: screen.state === 'error' ? 'message error' : 'lead', role: 'alert' }, screen.detail),
      h(
        'div',
        { class: 'actions' },
        rejoin,
        h('button', { type: 'button', onclick: () => options.onLobby() }, 'Back to lobby'),
        h('a', { href: '/', class: 'link' }, 'Another room'),
      ),
    ),
  );
  rejoin.focus();
}

import { type BackdropError, type RemoteParticipant, Room } from '@backdrop/client';
import { h, setPageState } from './dom.js';
import { gridLayout } from './layout.js';
import type { LocalMedia } from './media.js';
import { createEffectPicker } from './picker.js';
import { createStatsOverlay } from './stats-overlay.js';
import { createTile, type Tile } from './tile.js';

interface Metrics {
  /** ms from navigation start to the first remote video frame on screen. */
  firstRemoteFrameMs: number | null;
}

declare global {
  interface Window {
    backdropMetrics: Metrics;
  }
}

function signalingUrl(): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
}

function recordFirstFrame(video: HTMLVideoElement): void {
  const mark = () => {
    if (window.backdropMetrics.firstRemoteFrameMs === null)
      window.backdropMetrics.firstRemoteFrameMs = performance.now();
  };
  if ('requestVideoFrameCallback' in video) video.requestVideoFrameCallback(mark);
  else (video as HTMLVideoElement).addEventListener('playing', mark, { once: true });
}

/** Joins the room and runs the call screen until the user leaves or the connection is lost. */
export async function startCall(
  root: HTMLElement,
  roomName: string,
  name: string,
  media: LocalMedia,
  onExit: () => void,
): Promise<void> {
  setPageState('joining');
  window.backdropMetrics ??= { firstRemoteFrameMs: null };
  const room = new Room({ signalingUrl: signalingUrl() });
  const tiles = new Map<string, Tile>();
  const grid = h('main', { class: 'grid', 'aria-label': 'Participants' });
  const banner = h('p', { class: 'message', role: 'status' });
  const showMessage = (text: string, kind: 'error' | 'info' = 'info') => {
    banner.textContent = text;
    banner.className = `message ${kind}`;
  };

  const local = createTile({ name, local: true });
  const localStream = new MediaStream(
    [media.videoTrack].filter((t): t is MediaStreamTrack => t !== undefined),
  );
  local.setStream(localStream);
  grid.append(local.element);

  const relayout = () => {
    const count = grid.children.length;
    const { columns, tileWidth, tileHeight } = gridLayout(
      count,
      grid.clientWidth || innerWidth,
      grid.clientHeight || innerHeight - 80,
    );
    grid.style.gridTemplateColumns = `repeat(${columns}, ${tileWidth}px)`;
    grid.style.setProperty('--tile-h', `${tileHeight}px`);
    grid.dataset.count = String(count);
  };
  const resizeObserver = new ResizeObserver(relayout);

  const addTile = (p: RemoteParticipant) => {
    if (tiles.has(p.id)) return;
    const tile = createTile({ name: p.name, participantId: p.id, local: false });
    tile.setStream(p.stream);
    recordFirstFrame(tile.video);
    tiles.set(p.id, tile);
    grid.append(tile.element);
    relayout();
  };
  const removeTile = (p: RemoteParticipant) => {
    tiles.get(p.id)?.element.remove();
    tiles.delete(p.id);
    relayout();
  };
  room.on('participantJoined', addTile);
  room.on('participantLeft', removeTile);
  room.on('trackSubscribed', (_track, p) => tiles.get(p.id)?.setStream(p.stream));
  room.on('trackUnsubscribed', (_track, p) => tiles.get(p.id)?.setStream(p.stream));
  room.on('error', (error: BackdropError) => showMessage(error.message, 'error'));

  // Controls.
  const micButton = h(
    'button',
    { type: 'button', class: 'control', 'aria-pressed': 'false', disabled: !media.audio },
    'Mute',
  );
  micButton.addEventListener('click', () => {
    if (!media.audio) return;
    media.audio.enabled = !media.audio.enabled;
    micButton.textContent = media.audio.enabled ? 'Mute' : 'Unmute';
    micButton.setAttribute('aria-pressed', String(!media.audio.enabled));
    local.setMuted(!media.audio.enabled);
  });
  const camButton = h(
    'button',
    { type: 'button', class: 'control', 'aria-pressed': 'false', disabled: !media.videoTrack },
    'Stop video',
  );
  camButton.addEventListener('click', () => {
    const track = media.videoTrack;
    if (!track) return;
    track.enabled = !track.enabled;
    camButton.textContent = track.enabled ? 'Stop video' : 'Start video';
    camButton.setAttribute('aria-pressed', String(!track.enabled));
  });
  const effectsPanel = h(
    'section',
    { class: 'panel', hidden: true, 'aria-label': 'Background effects' },
    h('h2', {}, 'Background'),
    createEffectPicker(media, showMessage),
  );
  const effectsButton = h(
    'button',
    { type: 'button', class: 'control', onclick: () => (effectsPanel.hidden = !effectsPanel.hidden) },
    'Background',
  );
  const stats = createStatsOverlay(() => media.stats());
  stats.element.hidden = true;
  const statsButton = h(
    'button',
    { type: 'button', class: 'control', onclick: () => (stats.element.hidden = !stats.element.hidden) },
    'Stats',
  );
  const leaveButton = h('button', { type: 'button', class: 'control danger' }, 'Leave');

  const bar = h(
    'footer',
    { class: 'controls' },
    h('span', { class: 'room-label' }, roomName),
    micButton,
    camButton,
    effectsButton,
    statsButton,
    leaveButton,
  );
  root.replaceChildren(h('div', { class: 'call' }, banner, grid, effectsPanel, stats.element, bar));
  resizeObserver.observe(grid);
  relayout();

  const finish = (title: string, detail: string, state: 'left' | 'error') => {
    resizeObserver.disconnect();
    stats.dispose();
    setPageState(state);
    root.replaceChildren(
      h(
        'div',
        { class: 'card' },
        h('h1', {}, title),
        h('p', {}, detail),
        h(
          'button',
          {
            type: 'button',
            class: 'primary',
            onclick: () => void startCall(root, roomName, name, media, onExit),
          },
          'Rejoin',
        ),
        h('button', { type: 'button', onclick: onExit }, 'Back to lobby'),
      ),
    );
  };
  leaveButton.addEventListener('click', async () => {
    leaveButton.disabled = true;
    await room.leave();
    finish('You left the meeting', `Room ${roomName}`, 'left');
  });
  room.on('connectionStateChanged', (state) => {
    if (state === 'disconnected' && document.body.dataset.state === 'in-call') {
      finish('Disconnected', 'The connection to the server was lost.', 'error');
    }
  });

  try {
    await room.join(roomName, name);
    const tracks = [media.audio, media.videoTrack].filter((t): t is MediaStreamTrack => t !== undefined);
    if (tracks.length > 0) await room.publish(tracks);
    setPageState('in-call');
  } catch (error) {
    await room.leave().catch(() => undefined);
    finish('Could not join', (error as Error).message, 'error');
  }
}

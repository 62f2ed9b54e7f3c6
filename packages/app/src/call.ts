import { type BackdropError, type RemoteParticipant, Room } from '@backdrop/client';
import { type CallEnd, describeError, nameRefusal, shutdownNotice } from './connection.js';
import { createConnectionBar } from './connection-bar.js';
import { errorEndsCall, stateEndsCall } from './connection-view.js';
import { createControls } from './controls.js';
import { h, setPageState } from './dom.js';
import { renderEnded } from './ended.js';
import { gridLayout } from './layout.js';
import { createLogger } from './log.js';
import type { LocalMedia } from './media.js';
import { watchFirstRemoteFrame } from './metrics.js';
import { createEffectPicker } from './picker.js';
import { createStatsOverlay } from './stats-overlay.js';
import { createTile, type Tile } from './tile.js';

function signalingUrl(): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
}

/** Matches `.grid { padding }` in app.css: the layout is computed for the area inside it. */
const GRID_PADDING = 8;

export interface CallOptions {
  roomName: string;
  name: string;
  media: LocalMedia;
  /** Back to the lobby; the call has already released the room (not the camera). */
  onExit(): void;
  /** The server refused the display name: back to the lobby with `message` by the name field. */
  onNameRefused(message: string): void;
}

/** Joins the room and runs the call screen until the user leaves or the connection is lost. */
export async function startCall(root: HTMLElement, options: CallOptions): Promise<void> {
  const { roomName, name, media } = options;
  const log = createLogger('call', { room: roomName });
  setPageState('joining');
  const room = new Room({
    signalingUrl: signalingUrl(),
    // Test and troubleshooting switch: `?ice=relay` sends all media through the server's TURN.
    ...(new URLSearchParams(location.search).get('ice') === 'relay' && { iceTransportPolicy: 'relay' }),
    log: createLogger('client.room', { room: roomName }),
  });
  const tiles = new Map<string, Tile>();
  const tilesBox = h('div', { class: 'tiles' });
  const grid = h('main', { class: 'grid', 'aria-label': 'Participants' }, tilesBox);
  const banner = h('p', { class: 'message banner', role: 'alert' });
  const showMessage = (text: string, kind: 'error' | 'info' = 'info') => {
    banner.textContent = text;
    banner.className = `message banner ${kind}`;
    banner.hidden = text === '';
    delete banner.dataset.notice;
  };
  showMessage('');
  const callRoot = h('div', { class: 'call' });
  const connectionBar = createConnectionBar(callRoot);

  const local = createTile({ name, local: true });
  const showLocalVideo = (track: MediaStreamTrack | undefined) =>
    local.setStream(new MediaStream(track ? [track] : []));
  showLocalVideo(media.videoTrack);
  local.setMuted(!(media.audio?.enabled ?? false));
  local.setCameraOff(!media.cameraEnabled);
  tilesBox.append(local.element);

  // The published video follows the effect choice (raw camera for none, the effect's track otherwise).
  let publishedVideo: MediaStreamTrack | undefined;
  let published = false;
  const syncPublishedVideo = async () => {
    const track = media.videoTrack;
    // While reconnecting the Room remembers the track and publishes it again after a fresh join.
    if (!published || track === publishedVideo || !track) return;
    try {
      await room.replaceVideoTrack(track);
      publishedVideo = track;
    } catch (error) {
      log.warn('could not switch the published video', { error });
      showMessage('Your new background could not be sent; others may still see the previous one.', 'error');
    }
  };
  const stopFollowingVideo = media.onVideoTrackChange((track) => {
    showLocalVideo(track);
    void syncPublishedVideo();
  });

  const relayout = () => {
    const count = tilesBox.children.length;
    const width = (grid.clientWidth || innerWidth) - 2 * GRID_PADDING;
    const height = (grid.clientHeight || innerHeight - 80) - 2 * GRID_PADDING;
    const { tileWidth, tileHeight, rowWidth } = gridLayout(count, width, height, GRID_PADDING);
    tilesBox.style.width = `${rowWidth}px`;
    tilesBox.style.setProperty('--tile-w', `${tileWidth}px`);
    tilesBox.style.setProperty('--tile-h', `${tileHeight}px`);
    grid.dataset.count = String(count);
  };
  const resizeObserver = new ResizeObserver(relayout);

  const addTile = (p: RemoteParticipant): Tile => {
    const existing = tiles.get(p.id);
    if (existing) return existing;
    log.info('participant joined', { participant: p.id, name: p.name });
    const tile = createTile({ name: p.name, participantId: p.id, local: false });
    tile.setStream(p.stream);
    tile.setConnection(p.connection);
    watchFirstRemoteFrame(tile.video);
    tiles.set(p.id, tile);
    tilesBox.append(tile.element);
    relayout();
    return tile;
  };
  const removeTile = (p: RemoteParticipant) => {
    log.info('participant left', { participant: p.id });
    tiles.get(p.id)?.element.remove();
    tiles.delete(p.id);
    relayout();
  };
  room.on('participantJoined', addTile);
  room.on('participantLeft', removeTile);
  room.on('trackSubscribed', (_track, p) => addTile(p).setStream(p.stream));
  room.on('trackUnsubscribed', (_track, p) => tiles.get(p.id)?.setStream(p.stream));

  let lastError: BackdropError | undefined;
  room.on('error', (error) => {
    lastError = error;
    log.warn('room error', { code: error.code, message: error.message, cause: error.cause });
    // The SDK reports connection_lost only once it has stopped trying to reconnect.
    if (errorEndsCall(error) && !leaving && document.body.dataset.state === 'in-call') {
      end({ kind: 'lost', error });
      return;
    }
    showMessage(describeError(error), error.code === 'media_failed' ? 'info' : 'error');
  });
  room.on('shuttingDown', ({ drainMs }) => {
    log.info('server shutting down', { drainMs });
    showMessage(shutdownNotice(drainMs), 'info');
    banner.dataset.notice = 'shutting-down';
  });

  const effectsPanel = h(
    'section',
    { class: 'panel', id: 'effects-panel', hidden: true, 'aria-label': 'Background effects' },
    h('h2', {}, 'Background'),
    createEffectPicker(media, showMessage),
  );
  const effectsButton = h(
    'button',
    {
      type: 'button',
      class: 'control',
      'data-control': 'background',
      'aria-controls': 'effects-panel',
      'aria-expanded': 'false',
      onclick: () => {
        effectsPanel.hidden = !effectsPanel.hidden;
        effectsButton.setAttribute('aria-expanded', String(!effectsPanel.hidden));
      },
    },
    'Background',
  );
  const stats = createStatsOverlay(() => media.stats());
  stats.element.hidden = true;
  const statsButton = h(
    'button',
    {
      type: 'button',
      class: 'control',
      'data-control': 'stats',
      onclick: () => (stats.element.hidden = !stats.element.hidden),
    },
    'Stats',
  );

  let ended = false;
  let leaving = false;
  const end = (how: CallEnd) => {
    if (ended) return;
    ended = true;
    resizeObserver.disconnect();
    connectionBar.dispose();
    stats.dispose();
    stopFollowingVideo();
    removeEventListener('pagehide', onPageHide);
    removeEventListener('keydown', onKeyDown);
    const refusedName = how.kind === 'join-failed' ? nameRefusal(how.error) : undefined;
    if (refusedName !== undefined) {
      options.onNameRefused(refusedName);
      return;
    }
    renderEnded(root, {
      roomName,
      end: how,
      onRejoin: () => void startCall(root, options),
      onLobby: options.onExit,
    });
  };
  const onPageHide = () => void room.leave();
  addEventListener('pagehide', onPageHide);
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape' && !effectsPanel.hidden) {
      effectsPanel.hidden = true;
      effectsButton.setAttribute('aria-expanded', 'false');
      effectsButton.focus();
    }
  };
  addEventListener('keydown', onKeyDown);

  const controls = createControls({
    roomName,
    mic: media.audio && {
      get: () => media.audio?.enabled ?? false,
      set: (on) => {
        if (media.audio) media.audio.enabled = on;
        local.setMuted(!on);
      },
    },
    camera: media.camera && {
      get: () => media.cameraEnabled,
      set: (on) => {
        media.setCameraEnabled(on);
        local.setCameraOff(!on);
      },
    },
    onLeave: async () => {
      leaving = true;
      controls.setLeaving();
      await room.leave();
      end({ kind: 'left' });
    },
    extra: [effectsButton, statsButton],
  });
  controls.setConnectionState(room.state);
  connectionBar.setRoomState(room.state);
  room.on('connectionStateChanged', (state) => {
    log.info('connection state', { state });
    controls.setConnectionState(state);
    connectionBar.setRoomState(state);
    if (stateEndsCall(state, { leaving, inCall: document.body.dataset.state === 'in-call' })) {
      // The SDK reports why (e.g. the media server restarted) right after the state change.
      queueMicrotask(() => end({ kind: 'lost', error: lastError }));
    }
  });
  room.on('reconnected', ({ resumed }) => {
    log.info('reconnected', { resumed, participant: room.localParticipantId });
    // A switch of the published video that failed while reconnecting is tried again now.
    void syncPublishedVideo();
  });
  room.on('participantConnection', (p, state) => {
    log.info('participant connection', { participant: p.id, state });
    tiles.get(p.id)?.setConnection(state);
  });

  callRoot.append(connectionBar.element, banner, grid, effectsPanel, stats.element, controls.element);
  root.replaceChildren(callRoot);
  resizeObserver.observe(grid);
  relayout();

  try {
    await room.join(roomName, name);
    log.info('joined', { participant: room.localParticipantId, others: room.participants.size });
    publishedVideo = media.videoTrack;
    const tracks = [media.audio, publishedVideo].filter((t) => t !== undefined);
    if (tracks.length > 0) await room.publish(tracks);
    published = publishedVideo !== undefined;
    // The choice may have changed while publishing.
    await syncPublishedVideo();
    if (!ended) setPageState('in-call');
  } catch (error) {
    log.error('could not join', { error });
    await room.leave();
    end({ kind: 'join-failed', error });
  }
}

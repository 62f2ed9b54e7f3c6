import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { CallSession } from './call-session.js';
import { ChatPanel } from './chat/chat-panel.js';
import { ConnectionBar } from './connection-bar.js';
import { connectionBarView } from './connection-view.js';
import { type ControlDescriptor, ControlsBar } from './controls.js';
import { hostLink } from './host-controls.js';
import { LayerContext } from './layer-context.js';
import { type LayoutChoice, nextLayoutChoice } from './layout-mode.js';
import type { LocalMedia } from './media.js';
import { ReactionBar } from './meeting/reaction-bar.js';
import { ParticipantsPanel } from './participants-panel.js';
import { EffectPicker } from './picker.js';
import type { PageState } from './screen.js';
import { ScreenShareController } from './screen-share.js';
import { DeviceSettings } from './settings.js';
import { ShortcutsHelp } from './shortcuts-help.js';
import { PinContext, type PinControl } from './stage-context.js';
import { StatsOverlay } from './stats-overlay.js';
import { TileGrid } from './tile-grid.js';

/**
 * A side panel of the call (background today; chat and participants plug in the same way): its button in the
 * control bar and its content, rendered always (hidden when closed) so scripts can reach into it at once.
 */
export interface PanelDescriptor {
  /** The panel element's id (`<id>-panel`) and the key of its button. */
  id: string;
  /** The button's `data-control` and text. */
  control: string;
  label: string;
  title: string;
  /** A count on its button (unread messages). */
  badge?: number;
  render(): ComponentChildren;
}

/** The layout button's text for each choice. */
const LAYOUT_LABEL: Record<LayoutChoice, string> = { auto: 'Auto layout', grid: 'Grid', speaker: 'Speaker' };

/** Mic and camera switches (disabled, with the reason, when there is no such device). */
function deviceControls(media: LocalMedia): ControlDescriptor[] {
  const mic = media.audio !== undefined && media.micOn.value;
  const camera = media.cameraEnabled;
  return [
    {
      control: 'mic',
      label: mic ? 'Mute' : 'Unmute',
      title: media.audio
        ? `Microphone ${mic ? 'on' : 'off'}`
        : media.microphoneStarting.value
          ? 'Microphone starting'
          : 'No microphone',
      off: !mic,
      pressed: mic,
      name: 'Microphone',
      disabled: media.audio === undefined,
      onClick: () => media.setMicEnabled(!media.micOn.peek()),
    },
    {
      control: 'camera',
      label: camera ? 'Stop video' : 'Start video',
      title: media.camera ? `Camera ${camera ? 'on' : 'off'}` : 'No camera',
      off: !camera,
      pressed: camera,
      name: 'Camera',
      disabled: media.camera === undefined,
      onClick: () => media.setCameraEnabled(!media.cameraEnabled),
    },
  ];
}

/**
 * The call screen: connection bar, banner, the tile grid, side panels, stats, and the control bar. It renders
 * the session's signals; the session (owned by the AppStore) owns the Room.
 */
export function CallScreen(props: {
  roomName: string;
  pageState: PageState;
  session: CallSession;
  media: LocalMedia;
  /** From the link: how many of the others get video at most (`tiles=`), the layout to start with. */
  tiles?: number | undefined;
  layout?: LayoutChoice | undefined;
}) {
  const { session, media, roomName } = props;
  const [layoutChoice, setLayoutChoice] = useState<LayoutChoice>(props.layout ?? 'auto');
  const [pinned, setPinned] = useState<string | undefined>(undefined);
  const pin: PinControl = {
    pinned,
    toggle: (id) => setPinned((current) => (current === id ? undefined : id)),
  };
  const [openPanel, setOpenPanel] = useState<string | null>(null);
  const [statsShown, setStatsShown] = useState(false);
  const bar = session.bar.value;
  const banner = session.banner.value;
  const leaving = session.leaving.value;

  const hosts = session.hosts;
  const access = hosts.access.value;
  const isHost = access.role === 'host';
  const panels: PanelDescriptor[] = [
    {
      id: 'participants',
      control: 'participants',
      label: 'People',
      title: 'Participants',
      ...(isHost && access.waiting.length > 0 && { badge: access.waiting.length }),
      render: () => (
        <ParticipantsPanel
          people={hosts.people.value}
          waiting={access.waiting}
          isHost={isHost}
          hostLink={access.hostKey ? hostLink(location.origin, roomName, access.hostKey) : undefined}
          onAdmit={(id) => void hosts.admit(id)}
          onDeny={(id) => void hosts.deny(id)}
          onRemove={(id) => void hosts.remove(id)}
          onMuteAll={() => void hosts.muteAll()}
          passwordSet={access.passwordSet}
          onSetPassword={(password) => void hosts.setPassword(password)}
        />
      ),
    },
    {
      id: 'chat',
      control: 'chat',
      label: 'Chat',
      title: 'Chat with everyone',
      badge: session.chat.unread.value,
      render: () => (
        <ChatPanel store={session.chat} selfId={session.selfId} send={(text) => session.sendChat(text)} />
      ),
    },
    {
      id: 'reactions',
      control: 'react',
      label: 'React',
      title: 'Quick reactions',
      render: () => <ReactionBar onReact={(emoji) => session.react(emoji)} />,
    },
    {
      id: 'effects',
      control: 'background',
      label: 'Background',
      title: 'Background effects',
      render: () => (
        <EffectPicker media={media} onMessage={(text, kind) => session.showMessage(text, kind)} />
      ),
    },
    {
      id: 'settings',
      control: 'settings',
      label: 'Settings',
      title: 'Camera, microphone and speaker',
      render: () => <DeviceSettings media={media} say={(text, kind) => session.showMessage(text, kind)} />,
    },
  ];

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || openPanel === null) return;
      const control = panels.find((p) => p.id === openPanel)?.control;
      setOpenPanel(null);
      if (control) document.querySelector<HTMLElement>(`[data-control="${control}"]`)?.focus();
    };
    addEventListener('keydown', onKeyDown);
    return () => removeEventListener('keydown', onKeyDown);
  }, [openPanel]);

  useEffect(() => session.chat.setOpen(openPanel === 'chat'), [openPanel]);

  const hand = session.handRaised.value;
  const controls: ControlDescriptor[] = [
    ...deviceControls(media),
    {
      control: 'hand',
      label: hand ? 'Lower hand' : 'Raise hand',
      title: hand ? 'Your hand is raised' : 'Raise your hand',
      onClick: () => session.setHand(!hand),
    },
    ...panels.map(
      (p): ControlDescriptor => ({
        control: p.control,
        label: p.label,
        title: p.title,
        panel: { id: `${p.id}-panel`, open: openPanel === p.id },
        ...(p.badge !== undefined && { badge: p.badge }),
        onClick: () => setOpenPanel((open) => (open === p.id ? null : p.id)),
      }),
    ),
    ...(isHost
      ? [
          {
            control: 'lock',
            label: access.locked ? 'Unlock' : 'Lock',
            title: access.locked
              ? 'Locked: newcomers wait until a host lets them in'
              : 'Lock the meeting: newcomers wait until a host lets them in',
            pressed: access.locked,
            onClick: () => void hosts.setLocked(!access.locked),
          } satisfies ControlDescriptor,
        ]
      : []),
    ...(ScreenShareController.isSupported
      ? [
          {
            control: 'share',
            label: session.share.local.value ? 'Stop sharing' : 'Share screen',
            title: session.share.local.value ? 'Stop sharing your screen' : 'Share a screen, window or tab',
            off: false,
            onClick: () => void session.toggleShare(),
          },
        ]
      : []),
    {
      control: 'layout',
      label: LAYOUT_LABEL[layoutChoice],
      title: `Layout: ${LAYOUT_LABEL[layoutChoice].toLowerCase()} (press for ${LAYOUT_LABEL[nextLayoutChoice(layoutChoice)].toLowerCase()})`,
      onClick: () => setLayoutChoice(nextLayoutChoice),
    },
    { control: 'stats', label: 'Stats', title: 'Effect statistics', onClick: () => setStatsShown((s) => !s) },
    {
      control: 'leave',
      label: leaving ? 'Leaving…' : 'Leave',
      danger: true,
      disabled: leaving,
      onClick: () => void session.leave(),
    },
  ];

  return (
    <div class="call" data-page-state={props.pageState} data-connection={connectionBarView(bar).connection}>
      <ConnectionBar state={bar} />
      <p
        class={`message banner ${banner.kind}`}
        role="alert"
        hidden={banner.text === ''}
        data-notice={banner.notice}
      >
        {banner.text}
      </p>
      <LayerContext.Provider value={session.layers}>
        <PinContext.Provider value={pin}>
          <TileGrid
            tiles={session.participants.tiles}
            choice={layoutChoice}
            pinned={pinned}
            maxVideos={props.tiles}
          />
        </PinContext.Provider>
      </LayerContext.Provider>
      {panels.map((p) => (
        <section
          key={p.id}
          class="panel"
          id={`${p.id}-panel`}
          hidden={openPanel !== p.id}
          aria-label={p.title}
        >
          <h2>{p.label}</h2>
          {p.render()}
        </section>
      ))}
      <StatsOverlay read={() => media.stats()} shown={statsShown} />
      <ShortcutsHelp />
      <ControlsBar roomName={roomName} connection={session.roomState.value} controls={controls} />
    </div>
  );
}

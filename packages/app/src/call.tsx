import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { CallSession } from './call-session.js';
import { ConnectionBar } from './connection-bar.js';
import { connectionBarView } from './connection-view.js';
import { type ControlDescriptor, ControlsBar } from './controls.js';
import type { LocalMedia } from './media.js';
import { EffectPicker } from './picker.js';
import type { PageState } from './screen.js';
import { DeviceSettings } from './settings.js';
import { ShortcutsHelp } from './shortcuts-help.js';
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

/** Mic and camera switches (disabled, with the reason, when there is no such device). */
function deviceControls(media: LocalMedia): ControlDescriptor[] {
  const mic = media.audio !== undefined && media.micOn.value;
  const camera = media.cameraEnabled;
  return [
    {
      control: 'mic',
      label: mic ? 'Mute' : 'Unmute',
      title: media.audio ? `Microphone ${mic ? 'on' : 'off'}` : 'No microphone',
      off: !mic,
      toggle: { pressed: mic, name: 'Microphone' },
      disabled: media.audio === undefined,
      onClick: () => media.setMicEnabled(!media.micOn.peek()),
    },
    {
      control: 'camera',
      label: camera ? 'Stop video' : 'Start video',
      title: media.camera ? `Camera ${camera ? 'on' : 'off'}` : 'No camera',
      off: !camera,
      toggle: { pressed: camera, name: 'Camera' },
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
}) {
  const { session, media, roomName } = props;
  const [openPanel, setOpenPanel] = useState<string | null>(null);
  const [statsShown, setStatsShown] = useState(false);
  const bar = session.bar.value;
  const banner = session.banner.value;
  const leaving = session.leaving.value;

  const panels: PanelDescriptor[] = [
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

  const controls: ControlDescriptor[] = [
    ...deviceControls(media),
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
      <TileGrid tiles={session.participants.tiles} />
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

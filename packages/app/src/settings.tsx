import { useEffect } from 'preact/hooks';
import { audioOutput, canChooseSpeaker } from './device-list.js';
import { type DeviceEntry, type DeviceKind, devicesOfKind } from './devices.js';
import { LocalMedia } from './media.js';

type Say = (text: string, kind: 'error' | 'info') => void;

/** One device list: a labelled `<select data-device="kind">`; "None found" (disabled) when empty. */
function DeviceSelect(props: {
  kind: DeviceKind;
  label: string;
  devices: readonly DeviceEntry[];
  current: string;
  onChoose(deviceId: string): void;
}) {
  const id = `device-${props.kind}`;
  const options = devicesOfKind(props.devices, props.kind);
  return (
    <p class="device-row">
      <label for={id}>{props.label}</label>
      <select
        id={id}
        data-device={props.kind}
        disabled={options.length === 0}
        value={props.current}
        onChange={(event) => props.onChoose((event.currentTarget as HTMLSelectElement).value)}
      >
        {options.length === 0 && <option value="">None found</option>}
        {props.current !== '' && !options.some((d) => d.deviceId === props.current) && (
          <option value={props.current}>Current device</option>
        )}
        {options.map((d) => (
          <option key={d.deviceId} value={d.deviceId}>
            {d.label}
          </option>
        ))}
      </select>
    </p>
  );
}

/**
 * Camera, microphone and speaker choice (the speaker only where the browser can set it) and the audio
 * processing switch. Used in the lobby and as the call's settings panel; a failure is said through `say`.
 */
export function DeviceSettings({ media, say }: { media: LocalMedia; say: Say }) {
  const devices = media.deviceList.signal.value;
  useEffect(() => {
    void media.deviceList.refresh();
  }, [media]);
  const attempt = (what: string, work: Promise<void>) =>
    work.catch((error: unknown) => say(`Could not switch the ${what}: ${(error as Error).message}`, 'error'));
  const processing = media.audioProcessing.value;
  return (
    <div class="device-settings" data-settings="">
      <DeviceSelect
        kind="videoinput"
        label="Camera"
        devices={devices}
        current={LocalMedia.deviceIdOf(media.camera)}
        onChoose={(id) => void attempt('camera', media.switchCamera(id))}
      />
      <DeviceSelect
        kind="audioinput"
        label="Microphone"
        devices={devices}
        current={LocalMedia.deviceIdOf(media.audio)}
        onChoose={(id) => void attempt('microphone', media.switchMicrophone(id))}
      />
      {canChooseSpeaker() && (
        <DeviceSelect
          kind="audiooutput"
          label="Speaker"
          devices={devices}
          current={audioOutput.value}
          onChoose={(id) => media.setSpeaker(id)}
        />
      )}
      <p class="device-row">
        <label>
          <input
            type="checkbox"
            role="switch"
            data-setting="audio-processing"
            checked={processing}
            aria-checked={processing}
            onChange={(event) =>
              void attempt(
                'audio processing',
                media.setAudioProcessing((event.currentTarget as HTMLInputElement).checked),
              )
            }
          />{' '}
          Echo cancellation and noise suppression
        </label>
        <span class="hint">Turn off for music.</span>
      </p>
    </div>
  );
}

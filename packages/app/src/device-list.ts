import { type ReadonlySignal, signal } from '@preact/signals';
import { type DeviceEntry, type DeviceKind, type DevicePrefs, parsePrefs } from './devices.js';
import { DEVICE_PREFS_KEY } from './early-media.js';
import { createLogger } from './log.js';

const log = createLogger('devices');
const PREFS_KEY = DEVICE_PREFS_KEY;

/** This browser's remembered device choices (validated; unreadable storage gives the defaults). */
export function loadPrefs(): DevicePrefs {
  try {
    return parsePrefs(localStorage.getItem(PREFS_KEY));
  } catch {
    return parsePrefs(null);
  }
}

/** Remembers one change to the device choices for the next visit. */
export function savePrefs(change: Partial<DevicePrefs>): void {
  try {
    localStorage.setItem(PREFS_KEY, JSON.stringify({ ...loadPrefs(), ...change }));
  } catch (error) {
    // Private mode or storage disabled: the default devices are used next time.
    log.debug('device choice not remembered', { error });
  }
}

function entry(d: MediaDeviceInfo): DeviceEntry {
  return { deviceId: d.deviceId, kind: d.kind as DeviceKind, label: d.label, groupId: d.groupId };
}

/**
 * The devices the browser lists (labels once a permission was given), kept current on `devicechange`.
 * `close()` removes the listener; idempotent.
 */
export class DeviceList {
  private readonly listSignal = signal<DeviceEntry[]>([]);
  private closed = false;
  private readonly onChange = () => void this.refresh();

  constructor() {
    navigator.mediaDevices?.addEventListener?.('devicechange', this.onChange);
  }

  get devices(): ReadonlyArray<DeviceEntry> {
    return this.listSignal.peek();
  }

  get signal(): ReadonlySignal<DeviceEntry[]> {
    return this.listSignal;
  }

  /** Lists the devices again (after a permission, a switch, or a devicechange). */
  async refresh(): Promise<DeviceEntry[]> {
    if (this.closed || !navigator.mediaDevices?.enumerateDevices) return this.listSignal.peek();
    try {
      const listed = (await navigator.mediaDevices.enumerateDevices()).map(entry);
      if (!this.closed) this.listSignal.value = listed;
    } catch (error) {
      log.warn('could not list devices', { error });
    }
    return this.listSignal.peek();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    navigator.mediaDevices?.removeEventListener?.('devicechange', this.onChange);
  }
}

/** The speaker remote audio plays on ('' is the browser's default); tiles apply it with setSinkId. */
export const audioOutput = signal('');

/** Whether this browser can choose the speaker (HTMLMediaElement.setSinkId). */
export function canChooseSpeaker(): boolean {
  return typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;
}

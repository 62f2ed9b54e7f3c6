import * as z from 'zod';

/** The three kinds of device the settings choose (enumerateDevices' `kind`). */
export type DeviceKind = 'videoinput' | 'audioinput' | 'audiooutput';

/** What the app needs of a MediaDeviceInfo (plain data, so the choice logic runs in Node). */
export interface DeviceEntry {
  deviceId: string;
  kind: DeviceKind;
  label: string;
  groupId: string;
}

/** A remembered choice: the id, and the label to find the same device when the browser gave it a new id. */
export const RememberedDevice = z.object({
  deviceId: z.string().max(256),
  label: z.string().max(256),
});
export type RememberedDevice = z.infer<typeof RememberedDevice>;

/** The remembered choices of this browser (localStorage), one per kind, and the audio processing switch. */
export const DevicePrefs = z.object({
  videoinput: RememberedDevice.optional(),
  audioinput: RememberedDevice.optional(),
  audiooutput: RememberedDevice.optional(),
  /** Echo cancellation, noise suppression and auto gain (on unless switched off, e.g. for music). */
  audioProcessing: z.boolean().default(true),
});
export type DevicePrefs = z.infer<typeof DevicePrefs>;

export const DEFAULT_PREFS: DevicePrefs = { audioProcessing: true };

/** Reads stored prefs; anything unreadable or malformed is the defaults (never an exception). */
export function parsePrefs(raw: string | null): DevicePrefs {
  if (!raw) return { ...DEFAULT_PREFS };
  try {
    const parsed = DevicePrefs.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : { ...DEFAULT_PREFS };
  } catch {
    return { ...DEFAULT_PREFS };
  }
}

/** The devices of one kind, in the browser's order, with a label even before permission ("Camera 2"). */
export function devicesOfKind(devices: readonly DeviceEntry[], kind: DeviceKind): DeviceEntry[] {
  const noun = kind === 'videoinput' ? 'Camera' : kind === 'audioinput' ? 'Microphone' : 'Speaker';
  return devices
    .filter((d) => d.kind === kind && d.deviceId !== '')
    .map((d, i) => (d.label ? d : { ...d, label: `${noun} ${i + 1}` }));
}

/**
 * The device to open for a remembered choice: the same id, else the same label (ids change when site data is
 * cleared, and differ between browsers' profiles), else undefined (the browser's default).
 */
export function matchRemembered(
  devices: readonly DeviceEntry[],
  kind: DeviceKind,
  remembered: RememberedDevice | undefined,
): DeviceEntry | undefined {
  if (!remembered) return undefined;
  const candidates = devices.filter((d) => d.kind === kind);
  return (
    candidates.find((d) => d.deviceId === remembered.deviceId) ??
    (remembered.label ? candidates.find((d) => d.label === remembered.label) : undefined)
  );
}

/**
 * Where to go when the device in use is gone (unplugged, or its track ended): another device of the same kind
 * still present, the system default first (Chromium lists it as `default`), then one of the same physical
 * device group (a headset's other half), then the first; undefined when none is left (the kind goes off).
 */
export function fallbackDevice(
  devices: readonly DeviceEntry[],
  kind: DeviceKind,
  lost: { deviceId: string; groupId?: string | undefined },
): DeviceEntry | undefined {
  const others = devices.filter((d) => d.kind === kind && d.deviceId !== '' && d.deviceId !== lost.deviceId);
  return (
    others.find((d) => d.deviceId === 'default') ??
    (lost.groupId ? others.find((d) => d.groupId === lost.groupId) : undefined) ??
    others[0]
  );
}

/** The sentence shown when a device went away, for what happened next. */
export function fallbackNotice(kind: 'videoinput' | 'audioinput', next: DeviceEntry | undefined): string {
  const what = kind === 'videoinput' ? 'camera' : 'microphone';
  return next
    ? `Your ${what} was disconnected; now using ${next.label || `another ${what}`}.`
    : `Your ${what} was disconnected and no other was found; your ${what} is off.`;
}

// The getUserMedia constraints live in a module without zod (the early media script imports them).
export { audioConstraints, firstMediaRequest, videoConstraints } from './media-request.js';

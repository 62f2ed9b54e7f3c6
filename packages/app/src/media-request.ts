// getUserMedia constraints, built in one place for the app and its early media script (early.ts). No imports:
// the early script must stay a few KB.

/** What the requests read from the remembered device choices (`DevicePrefs`). */
export interface RequestPrefs {
  videoinput?: { deviceId: string } | undefined;
  audioinput?: { deviceId: string } | undefined;
  audioProcessing: boolean;
}

/** getUserMedia audio constraints for a device and the processing switch. */
export function audioConstraints(deviceId: string | undefined, processing: boolean): MediaTrackConstraints {
  return {
    ...(deviceId ? { deviceId: { exact: deviceId } } : {}),
    echoCancellation: processing,
    noiseSuppression: processing,
    autoGainControl: processing,
  };
}

/**
 * The first getUserMedia request of a visit: the remembered devices exactly (their ids are valid while the site
 * keeps its permission), else the defaults; both kinds in one request (one permission prompt).
 */
export function firstMediaRequest(prefs: RequestPrefs): MediaStreamConstraints {
  return {
    audio: audioConstraints(prefs.audioinput?.deviceId, prefs.audioProcessing),
    video: videoConstraints(prefs.videoinput?.deviceId),
  };
}

/** getUserMedia video constraints for a device (720p at 30 fps where the camera can). */
export function videoConstraints(deviceId: string | undefined): MediaTrackConstraints {
  return {
    ...(deviceId ? { deviceId: { exact: deviceId } } : {}),
    width: { ideal: 1280 },
    height: { ideal: 720 },
    frameRate: { ideal: 30 },
  };
}

/** The Permissions API's query, as far as the permission check needs it (tests pass a fake). */
export type PermissionQuery = (descriptor: { name: 'camera' | 'microphone' }) => Promise<{ state: string }>;

/**
 * Whether this site may use both the camera and the microphone without asking (a grant kept from an earlier
 * visit). Then the two are asked for one after the other, camera first: browsers open the devices of one
 * request one after the other, so the camera of a request for both comes only after the microphone (Chromium,
 * measured: 1.9-2.7 s for both, 0.5-1.2 s for the camera alone while a 3-person call loaded the machine). When
 * the browser would ask the user, one request for both, so there is one prompt. False where the Permissions API
 * cannot tell (Firefox before 'camera' was queryable): one request.
 */
export async function mediaPermissionsGranted(
  query: PermissionQuery | undefined = typeof navigator === 'undefined' || !navigator.permissions?.query
    ? undefined
    : (descriptor) => navigator.permissions.query(descriptor as PermissionDescriptor),
): Promise<boolean> {
  if (!query) return false;
  try {
    const states = await Promise.all([query({ name: 'camera' }), query({ name: 'microphone' })]);
    return states.every((s) => s.state === 'granted');
  } catch {
    return false;
  }
}

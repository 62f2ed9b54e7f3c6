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

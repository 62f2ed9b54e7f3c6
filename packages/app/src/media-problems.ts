/** Why a device could not be opened, from a getUserMedia error's name. */
export type DeviceFailure = 'denied' | 'missing' | 'busy' | 'other';

/** Maps a getUserMedia DOMException name to what the user can do about it. Pure. */
export function classifyMediaError(name: string): DeviceFailure {
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return 'denied';
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'missing';
    case 'NotReadableError':
    case 'AbortError':
      return 'busy';
    default:
      return 'other';
  }
}

function sentenceFor(device: 'camera' | 'microphone', failure: DeviceFailure): string {
  const Device = device === 'camera' ? 'Camera' : 'Microphone';
  switch (failure) {
    case 'denied':
      return `${Device} access was denied (allow it in this site's settings and reload).`;
    case 'missing':
      return `No ${device} was found.`;
    case 'busy':
      return `The ${device} is in use by another application.`;
    case 'other':
      return `The ${device} could not be opened.`;
  }
}

/**
 * What the lobby tells the user when the camera and/or microphone failed, ending with what they can still do;
 * undefined when both work. Pure.
 */
export function describeMediaProblem(
  camera: DeviceFailure | undefined,
  microphone: DeviceFailure | undefined,
): string | undefined {
  if (camera === undefined && microphone === undefined) return undefined;
  if (camera === 'denied' && microphone === 'denied') {
    return "Camera and microphone access was denied (allow them in this site's settings and reload). You can still join to watch and listen.";
  }
  const parts: string[] = [];
  if (camera) parts.push(sentenceFor('camera', camera));
  if (microphone) parts.push(sentenceFor('microphone', microphone));
  if (camera && microphone) parts.push('You can still join to watch and listen.');
  else if (camera) parts.push('You can join without video.');
  else parts.push('You can join, but others will not hear you.');
  return parts.join(' ');
}

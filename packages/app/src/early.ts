// The app's first script on a room page (async, ahead of the app's bundle): asks for the camera and
// microphone at once (in one request, or the camera first where the site may use both), the same request the
// lobby makes when it mounts (see early-media.ts).
import { DEVICE_PREFS_KEY, readRequestPrefs, startEarlyMedia } from './early-media.js';
import { firstMediaRequest } from './media-request.js';

function storedPrefs(): string | null {
  try {
    return localStorage.getItem(DEVICE_PREFS_KEY);
  } catch {
    return null;
  }
}

// A malformed room path shows an error, not the lobby: main.tsx lets such a request go (dropEarlyMedia).
if (location.pathname.startsWith('/r/') && location.pathname.length > 3)
  startEarlyMedia(firstMediaRequest(readRequestPrefs(storedPrefs())));

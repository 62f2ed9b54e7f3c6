import { RoomName } from '@backdrop/protocol';

/** The room in a `/r/<room>` path, or undefined (landing page), or an error for a malformed one. */
export function roomFromPath(pathname: string): { room?: string; problem?: string } {
  if (!pathname.startsWith('/r/')) return {};
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname.slice(3));
  } catch {
    // A broken percent-encoding (`%E0%A4%A`): decodeURIComponent throws URIError.
    return { problem: 'This room link is not valid.' };
  }
  const result = RoomName.safeParse(decoded);
  return result.success ? { room: result.data } : { problem: 'This room link is not valid.' };
}

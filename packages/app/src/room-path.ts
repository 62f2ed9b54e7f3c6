import { RoomName } from '@backdrop/protocol';

/** The room in a `/r/<room>` path, or undefined (landing page), or an error for a malformed one. */
export function roomFromPath(pathname: string): { room?: string; problem?: string } {
  if (!pathname.startsWith('/r/')) return {};
  const result = RoomName.safeParse(decodeURIComponent(pathname.slice(3)));
  return result.success ? { room: result.data } : { problem: 'This room link is not valid.' };
}

import type { MeetingClientMessage } from '@backdrop/protocol';
import type { MeetingMember, MeetingState } from './meeting-state.js';

const TYPES: ReadonlySet<string> = new Set<MeetingClientMessage['type']>([
  'chat',
  'mediaState',
  'hand',
  'reaction',
]);

/** True for the in-call messages handled here, at once (they never wait on the SFU). */
export function isMeetingMessage(message: { type: string }): message is MeetingClientMessage {
  return TYPES.has(message.type);
}

/** One handler per in-call message type; refusals throw a ServerError the connection answers with. */
export function handleMeetingMessage(
  meeting: MeetingState,
  sender: MeetingMember,
  message: MeetingClientMessage,
): void {
  switch (message.type) {
    case 'chat':
      meeting.chat(sender, message.text, message.id);
      return;
    case 'mediaState':
      meeting.setMedia(sender.id, message);
      return;
    case 'hand':
      meeting.setHand(sender.id, message.raised);
      return;
    case 'reaction':
      meeting.react(sender.id, message.emoji);
      return;
  }
}

import type { ClientMessage, ServerMessage } from '@backdrop/protocol';
import type { Participant } from '../rooms/participant.js';
import type { Room } from '../rooms/room.js';

/** The host actions of the protocol (protocol/src/access.ts). */
export type HostActionMessage = Extract<
  ClientMessage,
  { type: 'setRoomLock' | 'answerKnock' | 'removeParticipant' | 'muteAll' | 'setRoomPassword' }
>;

/**
 * One host action from `participant`: the room checks that it is a host (else `forbidden`, thrown, nothing
 * changed) and applies it; the reply goes to `reply` (`roomAccess` for the lock and the password, `done` for
 * the others).
 */
export function hostAction(
  room: Room,
  participant: Participant,
  message: HostActionMessage,
  reply: (message: ServerMessage) => void,
): void {
  const replyTo = message.id;
  const done = () => reply({ type: 'done', ...(replyTo === undefined ? {} : { replyTo }) });
  switch (message.type) {
    case 'setRoomLock':
      room.hosts.setLocked(participant, message.locked, replyTo);
      return;
    case 'setRoomPassword':
      room.hosts.setPassword(participant, message.password, replyTo);
      return;
    case 'answerKnock':
      room.hosts.answerKnock(participant, message.waitingId, message.admit);
      done();
      return;
    case 'removeParticipant':
      room.expel(participant, message.participantId);
      done();
      return;
    case 'muteAll':
      room.hosts.muteAll(participant);
      done();
      return;
  }
}

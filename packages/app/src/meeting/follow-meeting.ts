import type { Meeting } from '@backdrop/client';
import type { Reaction } from '@backdrop/protocol';
import { effect } from '@preact/signals';
import type { ChatStore } from '../chat/chat-store.js';
import type { ReactionStore } from './reactions.js';

/** What the tiles take from the meeting state, per participant id (all of that participant's tiles). */
export interface MeetingTileChanges {
  muted?: boolean;
  cameraOff?: boolean;
  speaking?: boolean;
  hand?: boolean;
  /** 1-based place in the raise order; undefined while the hand is down. */
  handOrder?: number | undefined;
  reaction?: Reaction | undefined;
}

export interface FollowMeetingOptions {
  meeting: Meeting;
  tiles: { patchParticipant(id: string, changes: MeetingTileChanges): void };
  chat: ChatStore;
  reactions: ReactionStore;
  /** Our participant id now (undefined before joining; it changes on a fresh rejoin). */
  selfId: () => string | undefined;
  /** The id our own tile is kept under. */
  localTileId: string;
}

/**
 * Shows the room's meeting state on the tiles (mute, camera, speaking, hand and its place, a reaction) and
 * feeds the chat panel. Our own tile takes speaking, hand and reactions from the server; its mic and camera
 * follow our own switches. Returns the function that stops following.
 */
export function followMeeting(options: FollowMeetingOptions): () => void {
  const { meeting, tiles, chat, reactions } = options;
  const tileId = (participantId: string) =>
    participantId === options.selfId() ? options.localTileId : participantId;

  /** Every tile, since one hand going down moves everyone after it up. */
  const showStates = () => {
    const order = meeting.raisedHands;
    for (const state of meeting.states.values()) {
      const local = state.participantId === options.selfId();
      const place = order.indexOf(state.participantId);
      tiles.patchParticipant(tileId(state.participantId), {
        ...(local ? {} : { muted: state.micMuted, cameraOff: state.cameraOff }),
        speaking: state.speaking,
        hand: state.hand !== null,
        handOrder: place < 0 ? undefined : place + 1,
      });
    }
  };

  let shownReactions = new Set<string>();
  const stops = [
    meeting.on('participantState', showStates),
    meeting.on('chat', (entry, { history }) => chat.received(entry, meeting.chat, history)),
    meeting.on('chatReset', () => chat.reset()),
    meeting.on('reaction', ({ from, emoji }) => reactions.show(from, emoji)),
    effect(() => {
      const now = reactions.current.value;
      for (const id of shownReactions)
        if (!now.has(id)) tiles.patchParticipant(tileId(id), { reaction: undefined });
      for (const [id, shown] of now) tiles.patchParticipant(tileId(id), { reaction: shown.emoji });
      shownReactions = new Set(now.keys());
    }),
  ];
  return () => {
    for (const stop of stops) stop();
    reactions.dispose();
  };
}

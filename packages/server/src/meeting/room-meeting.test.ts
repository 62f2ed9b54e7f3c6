import { describe, expect, it } from 'vitest';
import { fakeRooms } from '../../test/fake-rooms.js';

const setup = () => fakeRooms();

describe('a room with its meeting state', () => {
  it('gives a late joiner roomState right after joined: everyone, their mute state and the chat so far', async () => {
    const { join } = setup();
    const ada = await join('Ada');
    ada.room.meeting.setMedia(ada.participant.id, { micMuted: true, cameraOff: false });
    ada.room.meeting.chat(ada.participant, 'before you came');
    const bo = await join('Bo');
    expect(bo.messages.map((m) => m.type).slice(0, 2)).toEqual(['joined', 'roomState']);
    const state = bo.messages.find((m) => m.type === 'roomState');
    expect(state).toMatchObject({
      participants: [
        { participantId: ada.participant.id, micMuted: true },
        { participantId: bo.participant.id, micMuted: false },
      ],
      chat: [{ seq: 1, from: ada.participant.id, name: 'Ada', text: 'before you came' }],
    });
  });

  it("turns the SFU's talking events for a participant's feed into speaking for everyone", async () => {
    const { join, sfu } = setup();
    const ada = await join('Ada');
    const bo = await join('Bo');
    const publisher = sfu.publishers.find((p) => p.feedId === ada.participant.feedId);
    publisher?.emit('talking', true);
    publisher?.emit('talking', false);
    const seen = bo.messages.flatMap((m) =>
      m.type === 'participantState' && m.state.participantId === ada.participant.id ? [m.state.speaking] : [],
    );
    expect(seen).toEqual([true, false]);
  });

  it("forgets a leaver's state but keeps its messages", async () => {
    const { join, registry } = setup();
    const ada = await join('Ada');
    const bo = await join('Bo');
    ada.room.meeting.chat(ada.participant, 'bye');
    await registry.leave(ada.room, ada.participant);
    const snapshot = bo.room.meeting.snapshot();
    expect(snapshot.participants.map((p) => p.participantId)).toEqual([bo.participant.id]);
    expect(snapshot.chat.map((e) => e.text)).toEqual(['bye']);
  });
});

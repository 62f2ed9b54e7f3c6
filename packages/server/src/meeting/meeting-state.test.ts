import { CHAT_HISTORY_LENGTH, type ServerMessage } from '@backdrop/protocol';
import { describe, expect, it } from 'vitest';
import { CHAT_RATE, MeetingState, REACTION_RATE } from './meeting-state.js';

function setup(names: string[]) {
  let now = 1_000_000;
  const members = names.map((name) => {
    const inbox: ServerMessage[] = [];
    return { id: `p_${name}`, name, inbox, send: (m: ServerMessage) => inbox.push(m) };
  });
  const meeting = new MeetingState(
    () => members,
    () => now,
  );
  for (const m of members) meeting.add(m.id);
  const advance = (ms: number) => {
    now += ms;
  };
  const of = <T extends ServerMessage['type']>(inbox: ServerMessage[], type: T) =>
    inbox.filter((m): m is Extract<ServerMessage, { type: T }> => m.type === type);
  return { meeting, members, advance, of };
}

describe('MeetingState chat', () => {
  it('stamps sender, name, time and a rising sequence, and sends to everyone (the sender with replyTo)', () => {
    const { meeting, members, of, advance } = setup(['ada', 'bo']);
    const [ada, bo] = members as [(typeof members)[0], (typeof members)[0]];
    meeting.chat(ada, 'hello', 7);
    advance(1500);
    meeting.chat(bo, 'hi ada');
    expect(of(ada.inbox, 'chat').map((m) => [m.replyTo, m.message])).toEqual([
      [7, { seq: 1, from: 'p_ada', name: 'ada', text: 'hello', at: 1_000_000 }],
      [undefined, { seq: 2, from: 'p_bo', name: 'bo', text: 'hi ada', at: 1_001_500 }],
    ]);
    expect(of(bo.inbox, 'chat').map((m) => m.replyTo)).toEqual([undefined, undefined]);
  });

  it(`keeps the last ${CHAT_HISTORY_LENGTH} messages for joiners, oldest first, after the sender left`, () => {
    const { meeting, members, advance } = setup(['ada']);
    const ada = members[0]!;
    for (let i = 1; i <= CHAT_HISTORY_LENGTH + 20; i++) {
      advance(1000);
      meeting.chat(ada, `m${i}`);
    }
    meeting.remove(ada.id);
    const { chat } = meeting.snapshot();
    expect(chat).toHaveLength(CHAT_HISTORY_LENGTH);
    expect(chat[0]?.text).toBe('m21');
    expect(chat.at(-1)?.seq).toBe(CHAT_HISTORY_LENGTH + 20);
    expect(chat.every((e, i) => i === 0 || e.seq === chat[i - 1]!.seq + 1)).toBe(true);
  });

  it('refuses a burst over the limit with chat_rate_limited, sends nothing for it, and recovers', () => {
    const { meeting, members, advance, of } = setup(['ada', 'bo']);
    const ada = members[0]!;
    for (let i = 0; i < CHAT_RATE.burst; i++) meeting.chat(ada, `ok ${i}`);
    expect(() => meeting.chat(ada, 'one too many')).toThrow(
      expect.objectContaining({ code: 'chat_rate_limited' }),
    );
    expect(of(members[1]!.inbox, 'chat')).toHaveLength(CHAT_RATE.burst);
    // Another participant is not limited by ada's burst.
    meeting.chat(members[1]!, 'me too');
    advance(1000 / CHAT_RATE.perSecond);
    meeting.chat(ada, 'later');
    expect(
      meeting
        .snapshot()
        .chat.map((e) => e.text)
        .at(-1),
    ).toBe('later');
  });

  it('refuses a sender that is not in the room', () => {
    const { meeting } = setup(['ada']);
    expect(() => meeting.chat({ id: 'p_gone', name: 'gone', send: () => undefined }, 'x')).toThrow(
      expect.objectContaining({ code: 'invalid_state' }),
    );
  });
});

describe('MeetingState chat kept elsewhere (cluster mode)', () => {
  it('tells its listener of each stamped message, and takes a restored history numbered on from its highest', () => {
    const { meeting, members } = setup(['ada']);
    const seen: number[] = [];
    meeting.onChat = (entry) => seen.push(entry.seq);
    meeting.restoreHistory([
      { seq: 8, from: 'p_old', name: 'Old', text: 'second', at: 2 },
      { seq: 5, from: 'p_old', name: 'Old', text: 'first', at: 1 },
    ]);
    meeting.chat(members[0]!, 'after the move');
    expect(meeting.snapshot().chat.map((e) => [e.seq, e.text])).toEqual([
      [5, 'first'],
      [8, 'second'],
      [9, 'after the move'],
    ]);
    expect(seen).toEqual([9]);
    // A room with messages of its own never takes an old history over them.
    meeting.restoreHistory([{ seq: 1, from: 'p_x', name: 'X', text: 'stale', at: 0 }]);
    expect(meeting.snapshot().chat).toHaveLength(3);
  });
});

describe('MeetingState participants', () => {
  it('lists everyone in the snapshot, with defaults until they report', () => {
    const { meeting } = setup(['ada', 'bo']);
    meeting.setMedia('p_bo', { micMuted: true, cameraOff: true });
    expect(meeting.snapshot().participants).toEqual([
      { participantId: 'p_ada', micMuted: false, cameraOff: false, hand: null, speaking: false },
      { participantId: 'p_bo', micMuted: true, cameraOff: true, hand: null, speaking: false },
    ]);
  });

  it('sends a change once, and nothing when nothing changed', () => {
    const { meeting, members, of } = setup(['ada', 'bo']);
    meeting.setMedia('p_ada', { micMuted: true, cameraOff: false });
    meeting.setMedia('p_ada', { micMuted: true, cameraOff: false });
    const seen = of(members[1]!.inbox, 'participantState');
    expect(seen.map((m) => m.state)).toEqual([
      { participantId: 'p_ada', micMuted: true, cameraOff: false, hand: null, speaking: false },
    ]);
  });

  it('never shows a muted participant speaking, and shows the talker once unmuted', () => {
    const { meeting, members, of } = setup(['ada', 'bo']);
    const speaking = () => of(members[1]!.inbox, 'participantState').map((m) => m.state.speaking);
    meeting.setTalking('p_ada', true);
    expect(speaking()).toEqual([true]);
    meeting.setMedia('p_ada', { micMuted: true, cameraOff: false });
    expect(speaking()).toEqual([true, false]);
    meeting.setTalking('p_ada', true); // a late verdict while muted
    expect(speaking()).toEqual([true, false]);
    meeting.setTalking('p_ada', false);
    meeting.setMedia('p_ada', { micMuted: false, cameraOff: false });
    meeting.setTalking('p_ada', true);
    expect(speaking().at(-1)).toBe(true);
    meeting.setTalking('p_gone', true); // a verdict for someone who left is ignored
  });

  it('keeps hands in raise order; raising again keeps the place, lowering gives it up', () => {
    const { meeting } = setup(['ada', 'bo', 'cy']);
    meeting.setHand('p_bo', true);
    meeting.setHand('p_ada', true);
    meeting.setHand('p_bo', true);
    const order = () =>
      meeting
        .snapshot()
        .participants.filter((p) => p.hand !== null)
        .sort((a, b) => a.hand! - b.hand!)
        .map((p) => p.participantId);
    expect(order()).toEqual(['p_bo', 'p_ada']);
    meeting.setHand('p_bo', false);
    meeting.setHand('p_cy', true);
    meeting.setHand('p_bo', true);
    expect(order()).toEqual(['p_ada', 'p_cy', 'p_bo']);
  });

  it('sends reactions to everyone, rate-limited per sender', () => {
    const { meeting, members, of, advance } = setup(['ada', 'bo']);
    for (let i = 0; i < REACTION_RATE.burst; i++) meeting.react('p_ada', '👍');
    expect(() => meeting.react('p_ada', '🎉')).toThrow(
      expect.objectContaining({ code: 'reaction_rate_limited' }),
    );
    expect(of(members[1]!.inbox, 'reaction')).toHaveLength(REACTION_RATE.burst);
    expect(of(members[1]!.inbox, 'reaction')[0]).toEqual({
      type: 'reaction',
      from: 'p_ada',
      emoji: '👍',
      at: 1_000_000,
    });
    advance(1000 / REACTION_RATE.perSecond);
    meeting.react('p_ada', '🎉');
    expect(of(members[0]!.inbox, 'reaction')).toHaveLength(REACTION_RATE.burst + 1);
  });
});

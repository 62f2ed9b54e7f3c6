import type { ChatEntry, MeetingClientMessage, ServerMessageOf } from '@backdrop/protocol';
import { describe, expect, it } from 'vitest';
import { Meeting } from './meeting.js';

const entry = (seq: number, text = `m${seq}`): ChatEntry => ({
  seq,
  from: 'p_a',
  name: 'Ada',
  text,
  at: seq,
});
const state = (id: string, over: Partial<ServerMessageOf<'participantState'>['state']> = {}) => ({
  participantId: id,
  micMuted: false,
  cameraOff: false,
  hand: null,
  speaking: false,
  ...over,
});

function setup() {
  const sent: MeetingClientMessage[] = [];
  let seq = 10;
  const meeting = new Meeting({
    send: (m) => sent.push(m),
    requestChat: async (m) => ({ type: 'chat', message: { ...entry(++seq), text: m.text } }),
  });
  const shown: [number, boolean][] = [];
  meeting.on('chat', (e, { history }) => shown.push([e.seq, history]));
  return { meeting, sent, shown };
}

describe('Meeting (client)', () => {
  it('shows each chat message once, in seq order, when the history comes again after a resume', () => {
    const { meeting, shown } = setup();
    meeting.joined(false);
    meeting.handle({ type: 'roomState', participants: [], chat: [entry(1), entry(2)] });
    meeting.handle({ type: 'chat', message: entry(4) });
    meeting.joined(true);
    meeting.handle({ type: 'roomState', participants: [], chat: [entry(1), entry(2), entry(3), entry(4)] });
    expect(meeting.chat.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect(shown).toEqual([
      [1, true],
      [2, true],
      [4, false],
      [3, true],
    ]);
  });

  it('starts the chat again on a fresh join (the room may be a new one with its own numbering)', () => {
    const { meeting } = setup();
    let resets = 0;
    meeting.on('chatReset', () => resets++);
    meeting.handle({ type: 'chat', message: entry(1, 'old room') });
    meeting.joined(false);
    meeting.handle({ type: 'roomState', participants: [], chat: [entry(1, 'new room')] });
    expect(resets).toBe(1);
    expect(meeting.chat.map((e) => e.text)).toEqual(['new room']);
  });

  it('adds our own message from the reply, once, even if the broadcast copy also arrives', async () => {
    const { meeting } = setup();
    const sent = await meeting.sendChat('  hello  ');
    meeting.handle({ type: 'chat', message: sent });
    expect(meeting.chat.map((e) => e.text)).toEqual(['hello']);
  });

  it('refuses a text the server would refuse, without sending it', async () => {
    const { meeting } = setup();
    await expect(meeting.sendChat('   ')).rejects.toMatchObject({ serverCode: 'invalid_chat' });
    await expect(meeting.sendChat('x'.repeat(3000))).rejects.toMatchObject({ serverCode: 'invalid_chat' });
    expect(meeting.chat).toHaveLength(0);
  });

  it('sends mic/camera and hand on change only, and all of it again after every joined', () => {
    const { meeting, sent } = setup();
    meeting.setMedia({ micMuted: true, cameraOff: false });
    meeting.setMedia({ micMuted: true, cameraOff: false });
    meeting.setHand(true);
    expect(sent).toEqual([
      { type: 'mediaState', micMuted: true, cameraOff: false },
      { type: 'hand', raised: true },
    ]);
    sent.length = 0;
    meeting.joined(true);
    expect(sent).toEqual([
      { type: 'mediaState', micMuted: true, cameraOff: false },
      { type: 'hand', raised: true },
    ]);
  });

  it('keeps raised hands in raise order and tells state changes once', () => {
    const { meeting } = setup();
    const changes: string[] = [];
    meeting.on('participantState', (s) => changes.push(s.participantId));
    meeting.handle({ type: 'roomState', participants: [state('p_a', { hand: 5 }), state('p_b')], chat: [] });
    meeting.handle({ type: 'participantState', state: state('p_b', { hand: 3 }) });
    meeting.handle({ type: 'participantState', state: state('p_b', { hand: 3 }) });
    expect(meeting.raisedHands).toEqual(['p_b', 'p_a']);
    expect(meeting.handPosition('p_a')).toBe(2);
    expect(meeting.handPosition('p_c')).toBeUndefined();
    expect(changes).toEqual(['p_a', 'p_b', 'p_b']);
  });

  it('leaves other messages to the Room', () => {
    const { meeting } = setup();
    expect(meeting.handle({ type: 'participantLeft', participantId: 'p_a' })).toBe(false);
  });
});

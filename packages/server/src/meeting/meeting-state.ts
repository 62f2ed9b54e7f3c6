import {
  CHAT_HISTORY_LENGTH,
  type ChatEntry,
  type ParticipantState,
  type Reaction,
  type ServerMessage,
  type ServerMessageOf,
} from '@backdrop/protocol';
import { ServerError } from '../errors.js';
import { type BucketRate, TokenBucket } from '../limits/token-bucket.js';

/** Chat per participant: bursts of 5, then one message a second. Over it: `chat_rate_limited`, nothing closed. */
export const CHAT_RATE: BucketRate = { perSecond: 1, burst: 5 };
/** Reactions per participant: bursts of 3, then one every 2 s. Over it: `reaction_rate_limited`. */
export const REACTION_RATE: BucketRate = { perSecond: 0.5, burst: 3 };

/** Whom the meeting state talks to: the room's participants as they are now. */
export interface MeetingMember {
  readonly id: string;
  readonly name: string;
  send(message: ServerMessage): void;
}

interface MemberState {
  micMuted: boolean;
  cameraOff: boolean;
  hand: number | null;
  /** What the SFU last said (talking / stopped-talking); shown as speaking only while the mic is on. */
  talking: boolean;
  chatRate: TokenBucket;
  reactionRate: TokenBucket;
}

/**
 * A room's in-call state beyond media: chat history (the last CHAT_HISTORY_LENGTH, for the room's life), each
 * participant's mic/camera/hand/speaking, raise order and reactions. The server stamps sender, time and
 * sequence; every change goes to everyone in the room. No I/O: time is passed in, members are a callback.
 */
export class MeetingState {
  private readonly history: ChatEntry[] = [];
  private chatSeq = 0;
  private handSeq = 0;
  private readonly states = new Map<string, MemberState>();
  /** Told of every chat message once stamped (cluster mode keeps the history where other nodes read it). */
  onChat: ((entry: ChatEntry) => void) | undefined;
  /** Told of every change of a participant's state (a cascaded room tells its other nodes of its own). */
  onState: ((state: ParticipantState) => void) | undefined;

  constructor(
    private readonly members: () => Iterable<MeetingMember>,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Takes a history kept elsewhere (the room's former node died): the last CHAT_HISTORY_LENGTH, oldest first,
   * before any message of this room's own; later messages are numbered after the highest.
   */
  restoreHistory(entries: readonly ChatEntry[]): void {
    if (this.history.length > 0 || entries.length === 0) return;
    const sorted = [...entries].sort((a, b) => a.seq - b.seq).slice(-CHAT_HISTORY_LENGTH);
    this.history.push(...sorted);
    this.chatSeq = Math.max(this.chatSeq, sorted[sorted.length - 1]!.seq);
  }

  /** A participant arrived: mic on, camera on, no hand, silent, until it says otherwise. */
  add(id: string): void {
    if (this.states.has(id)) return;
    const at = this.now();
    this.states.set(id, {
      micMuted: false,
      cameraOff: false,
      hand: null,
      talking: false,
      chatRate: new TokenBucket(CHAT_RATE, at),
      reactionRate: new TokenBucket(REACTION_RATE, at),
    });
  }

  /** The participant left: its state goes (its chat messages stay in the history). */
  remove(id: string): void {
    this.states.delete(id);
  }

  /** For `roomState` right after a `joined`: everyone's state and the chat history, oldest first. */
  snapshot(): ServerMessageOf<'roomState'> {
    return {
      type: 'roomState',
      participants: [...this.states.keys()].map((id) => this.describe(id)),
      chat: [...this.history],
    };
  }

  /**
   * A chat message stamped on another node of a cascaded room: numbered here (each node numbers its own
   * history, and browsers merge by number), kept and sent to everyone here. `onChat` is not told: the
   * sender's node keeps it in the store.
   */
  relayChat(entry: ChatEntry): void {
    const local: ChatEntry = { ...entry, seq: ++this.chatSeq };
    this.history.push(local);
    if (this.history.length > CHAT_HISTORY_LENGTH)
      this.history.splice(0, this.history.length - CHAT_HISTORY_LENGTH);
    this.broadcast({ type: 'chat', message: local });
  }

  /** The participant's state as everyone sees it, if it is here. */
  stateOf(id: string): ParticipantState | undefined {
    return this.states.has(id) ? this.describe(id) : undefined;
  }

  /** Stamps and sends a chat message to everyone (the sender's copy answers its request). */
  chat(sender: MeetingMember, text: string, replyTo?: string | number): ChatEntry {
    const state = this.require(sender.id);
    if (!state.chatRate.take(this.now())) {
      throw new ServerError(
        'chat_rate_limited',
        `chat is limited to ${CHAT_RATE.burst} messages at once, then ${CHAT_RATE.perSecond} a second: this one was not sent`,
      );
    }
    const entry: ChatEntry = {
      seq: ++this.chatSeq,
      from: sender.id,
      name: sender.name,
      text,
      at: Math.round(this.now()),
    };
    this.history.push(entry);
    if (this.history.length > CHAT_HISTORY_LENGTH)
      this.history.splice(0, this.history.length - CHAT_HISTORY_LENGTH);
    this.onChat?.(entry);
    for (const member of this.members()) {
      const mine = member.id === sender.id && replyTo !== undefined;
      member.send({ type: 'chat', ...(mine ? { replyTo } : {}), message: entry });
    }
    return entry;
  }

  /** The participant's mic and camera as its browser reports them. */
  setMedia(id: string, media: { micMuted: boolean; cameraOff: boolean }): void {
    this.update(id, (s) => {
      s.micMuted = media.micMuted;
      s.cameraOff = media.cameraOff;
    });
  }

  /** Raises (keeping an earlier place if already raised) or lowers the participant's hand. */
  setHand(id: string, raised: boolean): void {
    this.update(id, (s) => {
      if (raised) s.hand ??= ++this.handSeq;
      else s.hand = null;
    });
  }

  /** The SFU's audio-level verdict for the participant's feed. */
  setTalking(id: string, talking: boolean): void {
    if (!this.states.has(id)) return;
    this.update(id, (s) => {
      s.talking = talking;
    });
  }

  /** A quick reaction from `id`, to everyone (rate-limited). */
  react(id: string, emoji: Reaction): void {
    const state = this.require(id);
    if (!state.reactionRate.take(this.now())) {
      throw new ServerError(
        'reaction_rate_limited',
        `reactions are limited to ${REACTION_RATE.burst} at once, then one every ${1 / REACTION_RATE.perSecond} s`,
      );
    }
    this.broadcast({ type: 'reaction', from: id, emoji, at: Math.round(this.now()) });
  }

  /** Applies a change and sends the participant's state to everyone if what they see changed. */
  private update(id: string, change: (state: MemberState) => void): void {
    const state = this.require(id);
    const before = JSON.stringify(this.describe(id));
    change(state);
    const after = this.describe(id);
    if (JSON.stringify(after) === before) return;
    this.broadcast({ type: 'participantState', state: after });
    this.onState?.(after);
  }

  private describe(id: string): ParticipantState {
    const s = this.require(id);
    return {
      participantId: id,
      micMuted: s.micMuted,
      cameraOff: s.cameraOff,
      hand: s.hand,
      speaking: s.talking && !s.micMuted,
    };
  }

  private require(id: string): MemberState {
    const state = this.states.get(id);
    if (!state) throw ServerError.invalidState('not in this room');
    return state;
  }

  private broadcast(message: ServerMessage): void {
    for (const member of this.members()) member.send(message);
  }
}

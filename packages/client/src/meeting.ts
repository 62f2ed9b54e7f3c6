import { TypedEmitter } from '@backdrop/events';
import {
  type ChatEntry,
  checkChatText,
  type MeetingClientMessage,
  type ParticipantState,
  type Reaction,
  type ServerMessage,
  type ServerMessageOf,
} from '@backdrop/protocol';
import { BackdropError } from './errors.js';

export interface MeetingEvents {
  /** A chat message to show: new (`history: false`) or from the history sent after joining. */
  chat: (entry: ChatEntry, info: { history: boolean }) => void;
  /** The chat list was emptied (a fresh join: the room may be a new one); the history follows as `chat`. */
  chatReset: () => void;
  /** A participant's mic, camera, hand or speaking changed (ours included, as the server sees it). */
  participantState: (state: ParticipantState) => void;
  /** A quick reaction from `from` (ours included), to show briefly on its tile. */
  reaction: (reaction: { from: string; emoji: Reaction; at: number }) => void;
}

/** What this browser wants the others to see of it; sent on change and again after every `joined`. */
export interface LocalMeetingState {
  micMuted: boolean;
  cameraOff: boolean;
  handRaised: boolean;
}

export interface MeetingDeps {
  /** Sends if connected; dropped otherwise (everything is sent again after the next `joined`). */
  send(message: MeetingClientMessage): void;
  /** Sends a chat and waits for the server's stamped copy (its reply). */
  requestChat(message: Extract<MeetingClientMessage, { type: 'chat' }>): Promise<ServerMessageOf<'chat'>>;
  log?: { error(message: string, details?: Record<string, unknown>): void };
}

const MEETING_SERVER_TYPES: ReadonlySet<string> = new Set([
  'roomState',
  'participantState',
  'chat',
  'reaction',
]);

/**
 * The in-call state of a room as this browser sees it: chat (kept in `seq` order, each message once, however
 * often the history comes again), everyone's mic/camera/hand/speaking, and our own state to report. No DOM, no
 * socket: the Room feeds it server messages and gives it a way to send.
 */
export class Meeting extends TypedEmitter<MeetingEvents> {
  private readonly entries: ChatEntry[] = [];
  private readonly seen = new Set<number>();
  private readonly byParticipant = new Map<string, ParticipantState>();
  private local: LocalMeetingState = { micMuted: false, cameraOff: false, handRaised: false };

  constructor(private readonly deps: MeetingDeps) {
    super({ name: 'client.meeting', ...(deps.log && { log: deps.log }) });
  }

  /** Chat messages, oldest first. */
  get chat(): readonly ChatEntry[] {
    return this.entries;
  }

  /** A participant's state as the server last said; undefined before it said anything. */
  stateOf(participantId: string): ParticipantState | undefined {
    return this.byParticipant.get(participantId);
  }

  /** Everyone's state as the server last said (ours included, under our participant id). */
  get states(): ReadonlyMap<string, ParticipantState> {
    return this.byParticipant;
  }

  /** Participants with a raised hand, in raise order. */
  get raisedHands(): string[] {
    return [...this.byParticipant.values()]
      .filter((s) => s.hand !== null)
      .sort((a, b) => (a.hand ?? 0) - (b.hand ?? 0))
      .map((s) => s.participantId);
  }

  /** 1-based place of `participantId`'s hand in the raise order, or undefined if its hand is down. */
  handPosition(participantId: string): number | undefined {
    const index = this.raisedHands.indexOf(participantId);
    return index < 0 ? undefined : index + 1;
  }

  get localState(): Readonly<LocalMeetingState> {
    return this.local;
  }

  /** Reports our mic and camera (sent only when they changed). */
  setMedia(media: { micMuted: boolean; cameraOff: boolean }): void {
    if (media.micMuted === this.local.micMuted && media.cameraOff === this.local.cameraOff) return;
    this.local = { ...this.local, ...media };
    this.deps.send({ type: 'mediaState', micMuted: media.micMuted, cameraOff: media.cameraOff });
  }

  setHand(raised: boolean): void {
    if (raised === this.local.handRaised) return;
    this.local = { ...this.local, handRaised: raised };
    this.deps.send({ type: 'hand', raised });
  }

  react(emoji: Reaction): void {
    this.deps.send({ type: 'reaction', emoji });
  }

  /**
   * Sends a chat message to everyone; resolves with it as the server stamped it (it is in `chat` by then).
   * Rejects without sending if the text is not one the server would take, or with the server's refusal
   * (`invalid_chat`, `chat_rate_limited`).
   */
  async sendChat(text: string): Promise<ChatEntry> {
    const check = checkChatText(text);
    if (!check.ok) {
      throw new BackdropError('server_error', `message not sent: ${check.reason}`, {
        serverCode: 'invalid_chat',
      });
    }
    const reply = await this.deps.requestChat({ type: 'chat', text: check.text });
    this.addChat(reply.message, false);
    return reply.message;
  }

  /**
   * A `joined` came (fresh or resumed): our state is sent again, since the server forgets it on a fresh join
   * and may have missed a change made while the socket was down. A fresh join starts the lists again.
   */
  joined(resumed: boolean): void {
    if (!resumed) {
      this.byParticipant.clear();
      this.entries.length = 0;
      this.seen.clear();
      this.emit('chatReset');
    }
    this.deps.send({ type: 'mediaState', micMuted: this.local.micMuted, cameraOff: this.local.cameraOff });
    this.deps.send({ type: 'hand', raised: this.local.handRaised });
  }

  /** The participant left: its state goes (its messages stay). */
  forget(participantId: string): void {
    this.byParticipant.delete(participantId);
  }

  /** Left the room for good: everything goes, our own state included. */
  clear(): void {
    this.byParticipant.clear();
    this.entries.length = 0;
    this.seen.clear();
    this.local = { micMuted: false, cameraOff: false, handRaised: false };
  }

  /** Handles the in-call server messages; false for any other message. */
  handle(message: ServerMessage): boolean {
    if (!MEETING_SERVER_TYPES.has(message.type)) return false;
    switch (message.type) {
      case 'roomState':
        for (const state of message.participants) this.setState(state);
        for (const entry of message.chat) this.addChat(entry, true);
        break;
      case 'participantState':
        this.setState(message.state);
        break;
      case 'chat':
        this.addChat(message.message, false);
        break;
      case 'reaction':
        this.emit('reaction', { from: message.from, emoji: message.emoji, at: message.at });
        break;
      default:
        return false;
    }
    return true;
  }

  private setState(state: ParticipantState): void {
    const before = this.byParticipant.get(state.participantId);
    this.byParticipant.set(state.participantId, state);
    if (!before || JSON.stringify(before) !== JSON.stringify(state)) this.emit('participantState', state);
  }

  /** Adds an entry once, in `seq` order (a history that comes again after a resume adds nothing). */
  private addChat(entry: ChatEntry, history: boolean): void {
    if (this.seen.has(entry.seq)) return;
    this.seen.add(entry.seq);
    let at = this.entries.length;
    while (at > 0 && (this.entries[at - 1]?.seq ?? 0) > entry.seq) at--;
    this.entries.splice(at, 0, entry);
    this.emit('chat', entry, { history });
  }
}

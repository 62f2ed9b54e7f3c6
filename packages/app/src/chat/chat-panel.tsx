import { checkChatText } from '@backdrop/protocol';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ChatStore } from './chat-store.js';
import { linkify } from './linkify.js';

/** The time a message was sent, as the reader's clock shows it (hours and minutes). */
function timeOf(at: number): string {
  return new Date(at).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

/** A message's text as text nodes and anchors (never HTML): only http(s) links, opened in a new tab. */
function MessageText({ text }: { text: string }) {
  return (
    <p class="chat-text">
      {linkify(text).map((segment, i) =>
        segment.kind === 'link' ? (
          <a key={i} href={segment.href} target="_blank" rel="noopener noreferrer">
            {segment.text}
          </a>
        ) : (
          segment.text
        ),
      )}
    </p>
  );
}

/**
 * The in-call chat: the room's messages (each `[data-chat-message][data-from=<name>]`) and an input
 * (`[data-chat-input]`, Enter sends, Shift+Enter is a new line). A refused message stays in the input with
 * the reason under it.
 */
export function ChatPanel(props: {
  store: ChatStore;
  selfId: string | undefined;
  send: (text: string) => Promise<void>;
}) {
  const messages = props.store.messages.value;
  const [draft, setDraft] = useState('');
  const [problem, setProblem] = useState('');
  const [sending, setSending] = useState(false);
  const list = useRef<HTMLOListElement>(null);

  useEffect(() => {
    const el = list.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [messages.length]);

  const submit = async () => {
    const check = checkChatText(draft);
    if (!check.ok) {
      setProblem(draft.trim() === '' ? '' : `Not sent: ${check.reason}.`);
      return;
    }
    setSending(true);
    try {
      await props.send(check.text);
      setDraft('');
      setProblem('');
    } catch (error) {
      setProblem(`Not sent: ${(error as Error).message}`);
    } finally {
      setSending(false);
    }
  };

  return (
    <div class="chat">
      <ol class="chat-messages" ref={list} aria-live="polite">
        {messages.map((m) => (
          <li
            key={m.seq}
            class={m.from === props.selfId ? 'chat-message own' : 'chat-message'}
            data-chat-message=""
            data-from={m.name}
            data-seq={m.seq}
          >
            <span class="chat-meta">
              <span class="chat-from">{m.from === props.selfId ? `${m.name} (you)` : m.name}</span>{' '}
              <time dateTime={new Date(m.at).toISOString()}>{timeOf(m.at)}</time>
            </span>
            <MessageText text={m.text} />
          </li>
        ))}
      </ol>
      <form
        class="chat-form"
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <textarea
          data-chat-input=""
          aria-label="Message to everyone"
          placeholder="Message everyone"
          rows={2}
          value={draft}
          disabled={sending}
          onInput={(event) => setDraft((event.target as HTMLTextAreaElement).value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
              event.preventDefault();
              void submit();
            }
          }}
        />
        <button type="submit" disabled={sending}>
          Send
        </button>
        <p class="chat-problem" role="alert" hidden={problem === ''}>
          {problem}
        </p>
      </form>
    </div>
  );
}

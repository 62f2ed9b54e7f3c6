import { REACTIONS, type Reaction } from '@backdrop/protocol';

/** The quick reactions, one button each (`[data-reaction="👍"]`); the server rate-limits them. */
export function ReactionBar(props: { onReact: (emoji: Reaction) => void }) {
  return (
    <fieldset class="reactions" aria-label="Reactions">
      {REACTIONS.map((emoji) => (
        <button
          key={emoji}
          type="button"
          class="reaction"
          data-reaction={emoji}
          onClick={() => props.onReact(emoji)}
        >
          {emoji}
        </button>
      ))}
    </fieldset>
  );
}

/**
 * Which layout the call shows. `auto` (the default) is the grid up to AUTO_SPEAKER_FROM people, the speaker
 * view from there; a screen share always brings the presenter layout. Pure.
 */
export type LayoutChoice = 'auto' | 'grid' | 'speaker';
export type LayoutMode = 'grid' | 'speaker' | 'presenter';

/**
 * From seven people (us included) `auto` is the speaker view: up to six, a laptop's grid (3x2) still gives
 * every face about a third of the screen's width; from seven the grid goes 3x3 and faces get small, while a
 * meeting that size is mostly one person talking at a time, whom the speaker view shows large.
 */
export const AUTO_SPEAKER_FROM = 7;

export function layoutMode(options: { choice: LayoutChoice; people: number; sharing: boolean }): LayoutMode {
  if (options.sharing) return 'presenter';
  if (options.choice === 'auto') return options.people >= AUTO_SPEAKER_FROM ? 'speaker' : 'grid';
  return options.choice;
}

/** The layout button's next choice: auto → grid → speaker → auto. */
export function nextLayoutChoice(choice: LayoutChoice): LayoutChoice {
  return choice === 'auto' ? 'grid' : choice === 'grid' ? 'speaker' : 'auto';
}

/** Longest a media element waits for the page's load event (something else on the page may hold it). */
export const ATTACH_WAIT_MS = 2000;

/**
 * Runs `attach` once the page's load event has fired (at once if it has), or after `maxWaitMs` if `load` is
 * that late, and returns a cancel. For media elements: an element given a MediaStream delays the page's load
 * event until the stream's first frame (the HTML spec's delaying-the-load-event flag; Chromium holds `load` for
 * it), so a preview given our camera (or the effect's output, which starts with the model) before `load` held
 * back the autojoin, which waits for `load` (lobby.tsx), by up to a second in traces of a returning visitor's
 * link.
 */
export function afterLoad(attach: () => void, maxWaitMs = ATTACH_WAIT_MS): () => void {
  if (document.readyState === 'complete') {
    attach();
    return () => undefined;
  }
  const run = () => {
    cancel();
    attach();
  };
  const timer = setTimeout(run, maxWaitMs);
  const cancel = () => {
    clearTimeout(timer);
    removeEventListener('load', run);
  };
  addEventListener('load', run);
  return cancel;
}

/**
 * Shows `stream` in a media element once the page has loaded (see afterLoad) and plays it; returns a cancel.
 * A play that fails other than by being aborted (the stream changed again before playback started) goes to
 * `onPlayError`.
 */
export function playAfterLoad(
  element: HTMLMediaElement,
  stream: MediaStream | null,
  onPlayError: (error: unknown) => void,
): () => void {
  return afterLoad(() => {
    if (element.srcObject !== stream) element.srcObject = stream;
    element.play().catch((error: unknown) => {
      if ((error as Error).name !== 'AbortError') onPlayError(error);
    });
  });
}

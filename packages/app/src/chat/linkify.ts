/** A piece of a chat message: plain text, or a link to an http(s) address. */
export type ChatSegment = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string };

/** Candidates: an http(s) URL up to whitespace or a character that cannot end a bare link in running text. */
const URL_CANDIDATE = /\bhttps?:\/\/[^\s<>"'`]+/giu;
/** Punctuation that ends a sentence rather than a URL ("see https://x.org/a."). */
const TRAILING = /[.,;:!?)\]}'"»]+$/u;

/** The canonical href of an http(s) URL, or undefined if it does not parse as one (no credentials). */
function safeHref(candidate: string): string | undefined {
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (url.username || url.password) return undefined;
  return url.href;
}

/**
 * Splits chat text into text and http(s) links, for rendering as text nodes and anchors: never as HTML. Only
 * http: and https: become links (no javascript:, data:, or addresses with credentials); a closing bracket is
 * kept in the link only when the link opened one. Pure.
 */
export function linkify(text: string): ChatSegment[] {
  const segments: ChatSegment[] = [];
  let last = 0;
  const pushText = (t: string) => {
    if (!t) return;
    const previous = segments.at(-1);
    if (previous?.kind === 'text') previous.text += t;
    else segments.push({ kind: 'text', text: t });
  };
  for (const match of text.matchAll(URL_CANDIDATE)) {
    const start = match.index;
    let candidate = match[0];
    const trailing = TRAILING.exec(candidate)?.[0] ?? '';
    candidate = candidate.slice(0, candidate.length - trailing.length);
    // "(see https://en.wikipedia.org/wiki/Foo_(bar))": keep a ")" the URL itself opened.
    let kept = trailing;
    while (kept.startsWith(')') && countOf(candidate, '(') > countOf(candidate, ')')) {
      candidate += ')';
      kept = kept.slice(1);
    }
    const href = safeHref(candidate);
    pushText(text.slice(last, start));
    if (href) segments.push({ kind: 'link', text: candidate, href });
    else pushText(candidate);
    pushText(kept);
    last = start + match[0].length;
  }
  pushText(text.slice(last));
  return segments;
}

function countOf(text: string, ch: string): number {
  let n = 0;
  for (const c of text) if (c === ch) n++;
  return n;
}

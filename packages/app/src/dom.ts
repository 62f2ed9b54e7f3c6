type Attrs = Record<string, string | boolean | number | undefined | EventListener>;

/** Creates an element: attributes (on* become listeners, data-* datasets, booleans toggle), then children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Node | string | null | undefined)[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(key.slice(2).toLowerCase(), value);
    else if (value === true) el.setAttribute(key, '');
    else el.setAttribute(key, String(value));
  }
  for (const child of children) if (child !== null && child !== undefined) el.append(child);
  return el;
}

/** Sets the page state scripts and CSS key on: landing, lobby, joining, in-call, left, error. */
export function setPageState(state: 'landing' | 'lobby' | 'joining' | 'in-call' | 'left' | 'error'): void {
  document.body.dataset.state = state;
  // A performance mark per state lets a script see where the time to first remote frame goes.
  performance.mark(`backdrop:${state}`);
}

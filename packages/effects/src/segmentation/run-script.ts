/** Runs a classic script in this realm: importScripts in a worker, a script element on a page. */
export async function runScript(url: string): Promise<void> {
  const scope = globalThis as unknown as { importScripts?: (url: string) => void };
  if (typeof scope.importScripts === 'function') {
    // NOTE: synchronous: the TFLite loader (19 KB) or MediaPipe Tasks' API (137 KB, only with that runtime),
    // both from the HTTP cache after the first visit.
    scope.importScripts(url);
    return;
  }
  await new Promise<void>((resolve, reject) => {
    const script = document.createElement('script');
    script.src = url;
    script.onload = () => resolve();
    script.onerror = () => reject(new Error(`could not load ${url}`));
    document.head.append(script);
  });
}

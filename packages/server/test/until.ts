/**
 * Waits until `condition` holds, polling every 2 ms, and throws after `timeoutMs`. The machine is shared, so
 * a logic test never counts on a fixed sleep being long enough for a timer-driven step.
 */
export async function until(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

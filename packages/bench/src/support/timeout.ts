/**
 * `work`, or a rejection naming `what` once `ms` have passed. For waits that never end by themselves (a
 * page.evaluate, a DevTools reply from a worker that died): a run that cannot finish must fail, not hang.
 */
export async function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took over ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

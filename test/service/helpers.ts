import { setTimeout as sleep } from 'node:timers/promises';

/** Polls until `fn` gives a value; bounded by the timeout (never a timing assertion). */
export async function waitFor<T>(what: string, fn: () => T | undefined | false | null, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

import { setTimeout as delay } from 'node:timers/promises';

export interface WaitForOptions {
  timeoutMs?: number;
  intervalMs?: number;
}

/**
 * Polls `condition` until it returns true; throws naming `what` after the timeout. For state another
 * process reaches eventually (a CRD established, an RBAC cache refreshed), where there is no event to await.
 */
export async function waitFor(what: string, condition: () => Promise<boolean>, options: WaitForOptions = {}): Promise<void> {
  const { timeoutMs = 10_000, intervalMs = 50 } = options;
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(intervalMs);
  }
}

/** Polls `read` until it gives a value (not undefined), and returns it; throws after the timeout. */
export async function waitForValue<T>(what: string, read: () => Promise<T | undefined>, options: WaitForOptions = {}): Promise<T> {
  let value: T | undefined;
  await waitFor(what, async () => (value = await read()) !== undefined, options);
  return value as T;
}

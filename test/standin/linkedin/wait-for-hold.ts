import { setTimeout as delay } from 'node:timers/promises';
import type { HeldRequest } from './types';

/** Polls because a held request may sit in another process. */
export async function waitForHeldRequest(
  list: () => Promise<HeldRequest[]>,
  timeoutMs: number,
): Promise<HeldRequest> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [held] = await list();
    if (held) return held;
    if (Date.now() >= deadline) throw new Error(`no request was held within ${timeoutMs} ms`);
    await delay(10);
  }
}

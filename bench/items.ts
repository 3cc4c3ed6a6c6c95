// Small helpers every goal uses: unique item keys, bounded concurrency, and waiting on the bare arm.
import type { Harness } from './harness';
import { waitUntil } from './processes';

let serial = 0;
/** Unique keys, and so a unique post text: the stand-in refuses an identical post. */
export function nextId(prefix: string): string {
  serial += 1;
  return `${prefix}-${process.pid}-${serial}`;
}

/** Runs `fn` over `items` with at most `limit` in flight (closed loop). */
export async function forEachLimit<T>(
  items: T[],
  limit: number,
  fn: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      await fn(items[index]!, index);
    }
  });
  await Promise.all(lanes);
}

/** Polls a bare item's stage query (the bare arm has no database mirror). */
export function untilBareStage(h: Harness, key: string, stage: string, timeoutMs = 120_000) {
  return waitUntil(`${key} ${stage}`, async () => (await h.bare.stage(key)) === stage, timeoutMs);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

/** Rejects with a clear message when `promise` takes longer than `ms`. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

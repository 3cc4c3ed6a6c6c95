import type { Logger } from '../logger';
import type { Db } from './client';

const FIRST_WAIT_MS = 500;
const MAX_WAIT_MS = 5_000;

/**
 * Waits for Postgres at start-up instead of dying on the first refused or slow connection: a
 * process started beside a database that is still starting, restarting or briefly overloaded
 * comes up when it answers. Gives up (throws the last error) after `timeoutMs`.
 */
export async function waitForDatabase(db: Db, log: Logger, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let wait = FIRST_WAIT_MS;
  for (;;) {
    try {
      await db.$queryRaw`SELECT 1`;
      return;
    } catch (err) {
      if (Date.now() + wait > deadline) throw err;
      log.warn(
        { err: err instanceof Error ? err.message : String(err), retryInMs: wait },
        'Postgres did not answer; trying again',
      );
      await new Promise((resolve) => setTimeout(resolve, wait));
      wait = Math.min(wait * 2, MAX_WAIT_MS);
    }
  }
}

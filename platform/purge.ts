// Expired review-page sessions and OAuth states are deleted, not kept for ever: they are useless
// once expired, and a table that only grows is a table someone has to clean up by hand. The API
// process runs the purge at start and then every PURGE_EVERY_MS (docs/operations.md); with
// several API instances each runs it, which is harmless: the deletes are idempotent and indexed.
import type { Db } from './db/client';

/** How often the API purges. Expired rows are refused anyway; this only keeps tables small. */
export const PURGE_EVERY_MS = 60 * 60 * 1000;
export interface Purged {
  reviewSessions: number;
  oauthStates: number;
}

/**
 * Deletes review sessions once expired or signed out, and OAuth states an hour after they
 * expire (so a late callback still hears "state expired" rather than "unknown state").
 */
export async function purgeExpired(db: Db): Promise<Purged> {
  const reviewSessions = await db.$executeRaw`
    DELETE FROM review_sessions WHERE expires_at <= now() OR revoked_at IS NOT NULL`;
  const oauthStates = await db.$executeRaw`
    DELETE FROM oauth_states WHERE expires_at <= now() - interval '1 hour'`;
  return { reviewSessions, oauthStates };
}

/**
 * Runs `purgeExpired` now and every `everyMs` until stopped. A failure (database down) is
 * reported and retried at the next tick; the timer never keeps the process alive.
 */
export function schedulePurge(
  db: Db,
  report: { purged(purged: Purged): void; failed(error: unknown): void },
  everyMs = PURGE_EVERY_MS,
): { stop(): Promise<void> } {
  let running: Promise<void> | undefined;
  const tick = () => {
    if (running) return; // the previous purge is still under way
    running = purgeExpired(db)
      .then(
        (purged) => report.purged(purged),
        (error: unknown) => report.failed(error),
      )
      .finally(() => (running = undefined));
  };
  tick();
  const timer = setInterval(tick, everyMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}

import type { Client } from 'pg';

import type { Log } from './log';

// The key `prisma migrate` itself locks on, so this runner and a `prisma migrate deploy` run
// elsewhere also wait for each other.
export const MIGRATION_LOCK_KEY = 72707369;

/**
 * Holds the session advisory lock while `work` runs. A second process waits here, then sees the
 * first one's migrations as applied.
 */
export async function withMigrationLock<T>(
  client: Client,
  log: Log,
  work: () => Promise<T>,
): Promise<T> {
  const attempt = await client.query<{ locked: boolean }>(
    'SELECT pg_try_advisory_lock($1) AS "locked"',
    [MIGRATION_LOCK_KEY],
  );
  if (!attempt.rows[0]?.locked) {
    log(`waiting for another migration run to finish (advisory lock ${MIGRATION_LOCK_KEY})`);
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
  }
  try {
    return await work();
  } finally {
    // Closing the connection releases the lock too, so a failed unlock must not hide the
    // error `work` may have thrown.
    await client
      .query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY])
      .catch(() => undefined);
  }
}

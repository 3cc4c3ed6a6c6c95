import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';

import { Client } from 'pg';

import { MIGRATION_LOCK_KEY, migrate } from '../../../platform/db/migrations';

import { migrationNames, migrationsDir, query, withDatabase, withMigrationsCopy } from './fixtures';

async function waitForLockWaiters(url: string, count: number): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const [row] = await query<{ waiting: number }>(
      url,
      `SELECT count(*)::int AS waiting FROM pg_locks
        WHERE locktype = 'advisory' AND NOT granted AND database = (
          SELECT oid FROM pg_database WHERE datname = current_database())`,
    );
    if ((row?.waiting ?? 0) >= count) return;
    await sleep(25);
  }
  throw new Error(`fewer than ${count} sessions ever waited for the migration lock`);
}

describe('the migration lock', () => {
  it('when two processes migrate at once, then each migration is applied exactly once', async () => {
    await withDatabase(async ({ url }) => {
      const names = await migrationNames();
      // Hold the lock first so both runs are certainly contending, not merely close in time.
      const holder = new Client({ connectionString: url });
      await holder.connect();
      await holder.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
      const logs: string[][] = [[], []];

      const runs = Promise.all(
        logs.map((lines) => migrate(url, { migrationsDir, log: (line) => lines.push(line) })),
      );
      try {
        await waitForLockWaiters(url, 2);
      } finally {
        await holder.end();
      }
      const results = await runs;

      for (const lines of logs) assert.ok(lines[0]?.startsWith('waiting for another migration'));
      const applied = results.flatMap((result) => result.applied).sort();
      assert.deepEqual(applied, names);
      assert.ok(
        results.some((result) => result.applied.length === 0),
        'the run that waited found nothing pending',
      );
      const rows = await query<{ migration_name: string; n: number }>(
        url,
        `SELECT migration_name, count(*)::int AS n FROM "_prisma_migrations" GROUP BY 1 ORDER BY 1`,
      );
      assert.deepEqual(
        rows,
        names.map((name) => ({ migration_name: name, n: 1 })),
      );
    });
  });

  it('when a run fails while holding the lock, then the next run can take it', async () => {
    await withDatabase(({ url }) =>
      withMigrationsCopy(async (dir) => {
        await mkdir(path.join(dir, '9999_broken'));
        await writeFile(path.join(dir, '9999_broken', 'migration.sql'), 'SELECT 1 / 0;\n');
        await assert.rejects(migrate(url, { migrationsDir: dir }), /9999_broken failed/);

        const probe = new Client({ connectionString: url });
        await probe.connect();
        try {
          const { rows } = await probe.query<{ locked: boolean }>(
            'SELECT pg_try_advisory_lock($1) AS locked',
            [MIGRATION_LOCK_KEY],
          );
          assert.equal(rows[0]?.locked, true);
        } finally {
          await probe.end();
        }
      }),
    );
  });
});

import { inTransaction, withClient } from './connect';
import { MigrationError } from './errors';
import { readDownSql, readMigrationFiles } from './files';
import { applyAndRecord, deleteHistoryRow, ensureHistoryTable, readHistory } from './history';
import { withMigrationLock } from './lock';
import { silent } from './log';
import type { Log } from './log';
import { assertHistoryIntact, planMigrations } from './plan';

export interface RunnerOptions {
  /** The `prisma/migrations` directory. */
  migrationsDir: string;
  log?: Log;
}

export interface MigrateOptions extends RunnerOptions {
  /** Apply pending migrations only up to and including this one (rehearsals step with it). */
  upTo?: string;
}

export interface MigrateResult {
  applied: string[];
}

export interface RollbackResult {
  /** The migration whose down.sql ran; null when nothing was applied. */
  rolledBack: string | null;
}

export interface MigrationStatus {
  applied: { name: string; finishedAt: Date }[];
  pending: string[];
  changed: string[];
  missing: string[];
  failed: string[];
}

/**
 * Applies every pending migration in name order, each with its history row in one transaction,
 * after checking that the applied ones still match their files.
 */
export async function migrate(
  databaseUrl: string,
  options: MigrateOptions,
): Promise<MigrateResult> {
  const { migrationsDir, upTo, log = silent } = options;
  const files = await readMigrationFiles(migrationsDir);
  if (upTo !== undefined && !files.some((file) => file.name === upTo)) {
    throw new MigrationError(`there is no migration ${upTo} in ${migrationsDir}`);
  }
  return withClient(databaseUrl, (client) =>
    withMigrationLock(client, log, async () => {
      await ensureHistoryTable(client);
      const plan = planMigrations(files, await readHistory(client));
      assertHistoryIntact(plan, migrationsDir, 'migrate');
      const due = plan.pending.filter((file) => upTo === undefined || file.name <= upTo);
      if (due.length === 0) log('no pending migrations');
      const applied: string[] = [];
      for (const migration of due) {
        const started = Date.now();
        log(`applying ${migration.name}`);
        await inTransaction(client, () => applyAndRecord(client, migration)).catch(
          (error: unknown) => {
            throw new MigrationError(
              `migration ${migration.name} failed and was rolled back, nothing of it applied: ` +
                `${error instanceof Error ? error.message : String(error)}`,
              { cause: error },
            );
          },
        );
        applied.push(migration.name);
        log(`applied ${migration.name} in ${Date.now() - started} ms`);
      }
      return { applied };
    }),
  );
}

/** Runs the newest applied migration's down.sql and deletes its history row, together. */
export async function rollback(
  databaseUrl: string,
  options: RunnerOptions,
): Promise<RollbackResult> {
  const { migrationsDir, log = silent } = options;
  const files = await readMigrationFiles(migrationsDir);
  return withClient(databaseUrl, (client) =>
    withMigrationLock(client, log, async () => {
      const plan = planMigrations(files, await readHistory(client));
      assertHistoryIntact(plan, migrationsDir, 'roll back');
      const newest = plan.applied.at(-1);
      const migration = files.find((file) => file.name === newest?.migrationName);
      if (!newest || !migration) {
        log('nothing to roll back');
        return { rolledBack: null };
      }
      const downSql = await readDownSql(migration);
      log(`rolling back ${migration.name}`);
      await inTransaction(client, async () => {
        await client.query(downSql);
        await deleteHistoryRow(client, newest.id);
      }).catch((error: unknown) => {
        throw new MigrationError(
          `down.sql of ${migration.name} failed and was rolled back, the migration stays ` +
            `applied: ${error instanceof Error ? error.message : String(error)}`,
          { cause: error },
        );
      });
      log(`rolled back ${migration.name}`);
      return { rolledBack: migration.name };
    }),
  );
}

/** Reads where the database stands against the files, without locking or writing anything. */
export async function status(
  databaseUrl: string,
  options: RunnerOptions,
): Promise<MigrationStatus> {
  const files = await readMigrationFiles(options.migrationsDir);
  return withClient(databaseUrl, async (client) => {
    const plan = planMigrations(files, await readHistory(client));
    return {
      applied: plan.applied.map((row) => ({ name: row.migrationName, finishedAt: row.finishedAt })),
      pending: plan.pending.map((file) => file.name),
      changed: plan.changed,
      missing: plan.missing,
      failed: plan.failed.map((row) => row.migrationName),
    };
  });
}

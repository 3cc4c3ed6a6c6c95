import { MigrationError } from './errors';
import type { MigrationFile } from './files';
import type { HistoryRow } from './history';

/** Files and history compared: what is applied, what is pending, what must stop a migration. */
/** A history row of a migration that finished. */
export type AppliedRow = HistoryRow & { finishedAt: Date };

export interface MigrationPlan {
  /** Rows of migrations that finished and were not rolled back, in name order. */
  applied: AppliedRow[];
  pending: MigrationFile[];
  /** Applied, but migration.sql no longer has the recorded checksum. */
  changed: string[];
  /** Applied, but the migration's directory is gone. */
  missing: string[];
  /** Started and never finished (a failed `prisma migrate deploy`), not marked rolled back. */
  failed: HistoryRow[];
}

export function planMigrations(files: MigrationFile[], history: HistoryRow[]): MigrationPlan {
  // Prisma ignores rows marked rolled back (`prisma migrate resolve --rolled-back`): the
  // migration counts as not applied and may run again.
  const live = history.filter((row) => row.rolledBackAt === null);
  const appliedByName = new Map<string, AppliedRow>();
  for (const row of live) if (isFinished(row)) appliedByName.set(row.migrationName, row);
  const fileByName = new Map(files.map((file) => [file.name, file]));

  const applied = [...appliedByName.values()].sort(byMigrationName);
  return {
    applied,
    pending: files.filter((file) => !appliedByName.has(file.name)),
    changed: applied
      .filter((row) => {
        const file = fileByName.get(row.migrationName);
        return file !== undefined && file.checksum !== row.checksum;
      })
      .map((row) => row.migrationName),
    missing: applied
      .filter((row) => !fileByName.has(row.migrationName))
      .map((row) => row.migrationName),
    failed: live.filter((row) => row.finishedAt === null),
  };
}

/** Refuses to touch a database whose history disagrees with the files on disk. */
export function assertHistoryIntact(
  plan: MigrationPlan,
  migrationsDir: string,
  action: 'migrate' | 'roll back',
): void {
  const problems = [
    ...plan.failed.map(
      (row) =>
        `migration ${row.migrationName} started at ${row.startedAt.toISOString()} and never ` +
        `finished (a failed deploy). Inspect the database, repair it by hand if needed, then mark ` +
        `it rolled back (npx prisma migrate resolve --rolled-back ${row.migrationName}, or ` +
        `UPDATE "_prisma_migrations" SET "rolled_back_at" = now() WHERE "id" = '${row.id}') ` +
        `and migrate again.`,
    ),
    ...plan.changed.map(
      (name) =>
        `migration ${name} was changed after it was applied (its migration.sql no longer ` +
        `matches the recorded checksum). Applied migrations are immutable: restore the file ` +
        `and put the change in a new migration.`,
    ),
    ...plan.missing.map(
      (name) =>
        `migration ${name} is recorded as applied but ${migrationsDir}/${name}/ is missing. ` +
        `Restore it, or run a build that knows this migration.`,
    ),
  ];
  if (problems.length > 0) {
    throw new MigrationError(`refusing to ${action}: ${problems.join('\n')}`);
  }
}

function isFinished(row: HistoryRow): row is AppliedRow {
  return row.finishedAt !== null;
}

function byMigrationName(a: HistoryRow, b: HistoryRow): number {
  return a.migrationName < b.migrationName ? -1 : a.migrationName > b.migrationName ? 1 : 0;
}

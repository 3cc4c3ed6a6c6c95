import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';

import { MigrationError } from './errors';

/** One `prisma/migrations/<name>/` directory. */
export interface MigrationFile {
  name: string;
  directory: string;
  sql: string;
  /** SHA-256 hex of migration.sql's bytes: what Prisma stores in `_prisma_migrations.checksum`. */
  checksum: string;
}

/** Reads every migration directory, in name order (the order Prisma applies them in). */
export async function readMigrationFiles(migrationsDir: string): Promise<MigrationFile[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true }).catch((error: unknown) => {
    throw new MigrationError(`migrations directory ${migrationsDir} cannot be read`, {
      cause: error,
    });
  });
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    // Code-unit order, not locale order, so every machine agrees on the sequence.
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return Promise.all(names.map((name) => readMigrationFile(migrationsDir, name)));
}

async function readMigrationFile(migrationsDir: string, name: string): Promise<MigrationFile> {
  const directory = path.join(migrationsDir, name);
  const bytes = await readFile(path.join(directory, 'migration.sql')).catch((error: unknown) => {
    throw new MigrationError(`migration ${name} has no migration.sql in ${directory}`, {
      cause: error,
    });
  });
  return {
    name,
    directory,
    sql: bytes.toString('utf8'),
    checksum: createHash('sha256').update(bytes).digest('hex'),
  };
}

/** The migration's down.sql; a migration without one cannot be rolled back or rehearsed. */
export async function readDownSql(migration: MigrationFile): Promise<string> {
  const downPath = path.join(migration.directory, 'down.sql');
  return readFile(downPath, 'utf8').catch((error: unknown) => {
    throw new MigrationError(
      `migration ${migration.name} has no down.sql (${downPath}); every migration needs one`,
      { cause: error },
    );
  });
}

import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { Client } from 'pg';
import type { QueryResultRow } from 'pg';

import { withScratchDatabase } from '../../../platform/db/migrations';
import type { ScratchDatabase } from '../../../platform/db/migrations';

export const adminUrl =
  process.env.TEST_ADMIN_DATABASE_URL ?? 'postgres://stargue:stargue@127.0.0.1:5432/postgres';
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const migrationsDir = path.join(repoRoot, 'prisma', 'migrations');
export const registryPath = path.join(repoRoot, 'MIGRATIONS.md');

/** An empty database of its own for one test, dropped when `work` settles. */
export function withDatabase<T>(work: (database: ScratchDatabase) => Promise<T>): Promise<T> {
  return withScratchDatabase(adminUrl, 'stargue_test', work);
}

/** A temporary copy of prisma/migrations that a test may edit, removed when `work` settles. */
export async function withMigrationsCopy<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const parent = await mkdtemp(path.join(tmpdir(), 'stargue-migrations-'));
  const dir = path.join(parent, 'migrations');
  try {
    await cp(migrationsDir, dir, { recursive: true });
    return await work(dir);
  } finally {
    await rm(parent, { recursive: true, force: true });
  }
}

export async function query<Row extends QueryResultRow>(
  url: string,
  sql: string,
  params: unknown[] = [],
): Promise<Row[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<Row>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

export async function databaseExists(name: string): Promise<boolean> {
  const rows = await query(adminUrl, 'SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  return rows.length > 0;
}

export async function columnExists(url: string, table: string, column: string): Promise<boolean> {
  const rows = await query(
    url,
    `SELECT 1 FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name = $1 AND column_name = $2`,
    [table, column],
  );
  return rows.length > 0;
}

/** The migration directories of the repository, in apply order. */
export async function migrationNames(dir = migrationsDir): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

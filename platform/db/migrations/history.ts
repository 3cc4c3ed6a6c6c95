import { randomUUID } from 'node:crypto';

import type { Client } from 'pg';

import type { MigrationFile } from './files';

/** One row of `_prisma_migrations`. */
export interface HistoryRow {
  id: string;
  checksum: string;
  migrationName: string;
  startedAt: Date;
  finishedAt: Date | null;
  rolledBackAt: Date | null;
  logs: string | null;
  appliedStepsCount: number;
}

// Byte for byte the table Prisma's migrate engine creates, so `prisma migrate status/deploy`
// read our history as their own.
const CREATE_HISTORY_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export async function ensureHistoryTable(client: Client): Promise<void> {
  await client.query(CREATE_HISTORY_TABLE);
}

/** Every history row, oldest first; none when the table does not exist yet. */
export async function readHistory(client: Client): Promise<HistoryRow[]> {
  const exists = await client.query<{ exists: boolean }>(
    `SELECT to_regclass('"_prisma_migrations"') IS NOT NULL AS "exists"`,
  );
  if (!exists.rows[0]?.exists) return [];
  const result = await client.query<HistoryRow>(
    `SELECT "id", "checksum", "migration_name" AS "migrationName", "started_at" AS "startedAt",
            "finished_at" AS "finishedAt", "rolled_back_at" AS "rolledBackAt", "logs",
            "applied_steps_count" AS "appliedStepsCount"
       FROM "_prisma_migrations"
      ORDER BY "started_at", "migration_name"`,
  );
  return result.rows;
}

/**
 * Applies one migration and records it as Prisma does: a row when it starts, then finished_at
 * and applied_steps_count = 1 when its script has run. The caller holds the transaction.
 */
export async function applyAndRecord(client: Client, migration: MigrationFile): Promise<void> {
  const id = randomUUID();
  await client.query(
    `INSERT INTO "_prisma_migrations" ("id", "checksum", "migration_name", "started_at")
     VALUES ($1, $2, $3, clock_timestamp())`,
    [id, migration.checksum, migration.name],
  );
  await client.query(migration.sql);
  await client.query(
    `UPDATE "_prisma_migrations"
        SET "finished_at" = clock_timestamp(), "applied_steps_count" = 1
      WHERE "id" = $1`,
    [id],
  );
}

export async function deleteHistoryRow(client: Client, id: string): Promise<void> {
  await client.query(`DELETE FROM "_prisma_migrations" WHERE "id" = $1`, [id]);
}

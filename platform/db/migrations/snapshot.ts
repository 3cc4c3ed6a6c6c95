import { escapeIdentifier } from 'pg';
import type { Client } from 'pg';

/** table → column → `type NULL|NOT NULL`, for the tables of the current schema. */
export type SchemaShape = Map<string, Map<string, string>>;

export interface TableSnapshot {
  table: string;
  rows: number;
  /** SHA-256 over the rows in primary-key order, each rendered as a row literal of `columns`. */
  hash: string;
  columns: string[];
}

// The runner's own bookkeeping is not application data.
const IGNORED_TABLES = new Set(['_prisma_migrations']);

export async function readSchema(client: Client): Promise<SchemaShape> {
  const result = await client.query<{ table: string; column: string; type: string }>(`
    SELECT c.relname AS "table", a.attname AS "column",
           format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE ' NULL' END AS "type"
      FROM pg_class c
      JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
     WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p')
     ORDER BY c.relname, a.attnum`);
  const shape: SchemaShape = new Map();
  for (const { table, column, type } of result.rows) {
    if (IGNORED_TABLES.has(table)) continue;
    const columns = shape.get(table) ?? new Map<string, string>();
    columns.set(column, type);
    shape.set(table, columns);
  }
  return shape;
}

/** Counts and hashes `table` over `columns` only, so columns added later do not move the hash. */
export async function snapshotTable(
  client: Client,
  table: string,
  columns: string[],
): Promise<TableSnapshot> {
  const keys = await client.query<{ column: string }>(
    `SELECT a.attname AS "column"
       FROM pg_index i
       JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
      WHERE i.indrelid = $1::regclass AND i.indisprimary
      ORDER BY array_position(i.indkey::int2[], a.attnum)`,
    [escapeIdentifier(table)],
  );
  const rowText = `ROW(${columns.map(escapeIdentifier).join(', ')})::text`;
  // Without a primary key the rendered row itself gives a stable order.
  const order =
    keys.rows.length > 0 ? keys.rows.map((key) => escapeIdentifier(key.column)) : [rowText];
  const result = await client.query<{ rows: number; hash: string }>(
    `SELECT count(*)::int AS "rows",
            encode(sha256(convert_to(coalesce(string_agg(${rowText}, E'\\n' ORDER BY ${order.join(', ')}), ''), 'UTF8')), 'hex') AS "hash"
       FROM ${escapeIdentifier(table)}`,
  );
  const summary = result.rows[0];
  return { table, rows: summary?.rows ?? 0, hash: summary?.hash ?? '', columns };
}

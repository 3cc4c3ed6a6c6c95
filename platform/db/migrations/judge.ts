import type { MigrationKind } from './registry';
import type { SchemaShape, TableSnapshot } from './snapshot';

export type Verdict = 'seeded' | 'ok' | 'new' | 'changed' | 'changed (contract)';

/** One line of a step's table: a table's rows and hash, and how they compare with before. */
export interface TableLine {
  table: string;
  /** null when the table no longer exists. */
  rows: number | null;
  hash: string | null;
  verdict: Verdict;
}

export interface Judgement {
  lines: TableLine[];
  problems: string[];
}

/**
 * Compares a step's snapshots with the ones taken before the migration. expand, backfill and
 * constrain must leave every table that existed before with the same rows (count and hash over
 * its old columns) and the same columns; contract may lose data, so differences are only shown.
 */
export function judgeStep(
  kind: MigrationKind,
  before: ReadonlyMap<string, TableSnapshot>,
  now: ReadonlyMap<string, TableSnapshot>,
): Judgement {
  const tables = [...new Set([...before.keys(), ...now.keys()])].sort();
  const lines: TableLine[] = [];
  const problems: string[] = [];
  for (const table of tables) {
    const old = before.get(table);
    const current = now.get(table);
    if (!old) {
      lines.push({
        table,
        rows: current?.rows ?? null,
        hash: current?.hash ?? null,
        verdict: 'new',
      });
      continue;
    }
    const differences = describeDifferences(old, current);
    const verdict =
      differences.length === 0 ? 'ok' : kind === 'contract' ? 'changed (contract)' : 'changed';
    if (verdict === 'changed') problems.push(`table ${table}: ${differences.join(', ')}`);
    lines.push({ table, rows: current?.rows ?? null, hash: current?.hash ?? null, verdict });
  }
  return { lines, problems };
}

function describeDifferences(old: TableSnapshot, current: TableSnapshot | undefined): string[] {
  if (!current) return [`dropped (had ${old.rows} rows)`];
  const lostColumns = old.columns.filter((column) => !current.columns.includes(column));
  const differences: string[] = [];
  if (lostColumns.length > 0) differences.push(`column(s) ${lostColumns.join(', ')} dropped`);
  if (current.rows !== old.rows) differences.push(`rows ${old.rows} → ${current.rows}`);
  else if (current.hash !== old.hash) {
    differences.push(`rows modified (hash ${short(old.hash)} → ${short(current.hash)})`);
  }
  return differences;
}

/** After down: the tables and columns must be exactly those from before the migration. */
export function judgeRestoredSchema(before: SchemaShape, now: SchemaShape): string[] {
  const problems: string[] = [];
  for (const table of new Set([...before.keys(), ...now.keys()])) {
    const old = before.get(table);
    const current = now.get(table);
    if (!old) problems.push(`table ${table} still exists after down`);
    else if (!current) problems.push(`table ${table} was not restored by down`);
    else {
      for (const column of new Set([...old.keys(), ...current.keys()])) {
        const was = old.get(column);
        const is = current.get(column);
        if (was !== is) {
          problems.push(
            `table ${table}: column ${column} is ${is ?? 'missing'}, was ${was ?? 'absent'}`,
          );
        }
      }
    }
  }
  return problems;
}

export function short(hash: string): string {
  return hash.slice(0, 16);
}

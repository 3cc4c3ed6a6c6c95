import { short } from './judge';
import type { TableLine } from './judge';

/** A step's tables as aligned text lines: table, row count, hash, verdict. */
export function formatStep(title: string, lines: TableLine[]): string[] {
  if (lines.length === 0) return [title, '  (no tables)'];
  const width = Math.max('table'.length, ...lines.map((line) => line.table.length));
  const rowsWidth = Math.max(
    'rows'.length,
    ...lines.map((line) => String(line.rows ?? '-').length),
  );
  const format = (table: string, rows: string, hash: string, verdict: string): string =>
    `  ${table.padEnd(width)}  ${rows.padStart(rowsWidth)}  ${hash.padEnd(16)}  ${verdict}`.trimEnd();
  return [
    title,
    format('table', 'rows', 'sha256', 'check'),
    ...lines.map((line) =>
      format(
        line.table,
        line.rows === null ? '-' : String(line.rows),
        line.hash === null ? '(dropped)' : short(line.hash),
        line.verdict,
      ),
    ),
  ];
}

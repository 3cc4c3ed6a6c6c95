import { readFile } from 'node:fs/promises';

import { MigrationError } from './errors';

export const MIGRATION_KINDS = ['expand', 'backfill', 'constrain', 'contract'] as const;
export type MigrationKind = (typeof MIGRATION_KINDS)[number];

/**
 * Reads the kinds from MIGRATIONS.md: the first Markdown table under the `## Registry`
 * heading, its `name` column (the migration directory) and its `kind` column.
 */
export async function readRegistry(registryPath: string): Promise<Map<string, MigrationKind>> {
  const markdown = await readFile(registryPath, 'utf8').catch((error: unknown) => {
    throw new MigrationError(`cannot read the migration registry ${registryPath}`, {
      cause: error,
    });
  });
  return parseRegistry(markdown, registryPath);
}

export function parseRegistry(markdown: string, source: string): Map<string, MigrationKind> {
  const lines = markdown.split(/\r?\n/);
  const heading = lines.findIndex((line) => /^##\s+Registry\s*$/i.test(line));
  if (heading === -1) throw new MigrationError(`${source} has no "## Registry" section`);
  const tableStart = lines.findIndex((line, index) => index > heading && line.startsWith('|'));
  if (tableStart === -1) throw new MigrationError(`${source}: the Registry section has no table`);

  const header = cells(lines[tableStart] ?? '').map((cell) => cell.toLowerCase());
  const nameColumn = header.indexOf('name');
  const kindColumn = header.indexOf('kind');
  if (nameColumn === -1 || kindColumn === -1) {
    throw new MigrationError(`${source}: the Registry table needs "name" and "kind" columns`);
  }

  const kinds = new Map<string, MigrationKind>();
  // tableStart + 1 is the |---| separator row.
  for (let index = tableStart + 2; lines[index]?.startsWith('|'); index++) {
    const row = cells(lines[index] ?? '');
    const name = row[nameColumn] ?? '';
    const kind = row[kindColumn] ?? '';
    const where = `${source}:${index + 1}`;
    if (!isKind(kind)) {
      throw new MigrationError(
        `${where}: ${name || 'a migration'} has kind "${kind}"; use one of ${MIGRATION_KINDS.join(', ')}`,
      );
    }
    if (kinds.has(name)) throw new MigrationError(`${where}: ${name} is registered twice`);
    kinds.set(name, kind);
  }
  return kinds;
}

function cells(line: string): string[] {
  return line
    .trim()
    .replace(/^\||\|$/g, '')
    .split('|')
    .map((cell) => cell.trim().replace(/^`(.*)`$/, '$1'));
}

function isKind(value: string): value is MigrationKind {
  return (MIGRATION_KINDS as readonly string[]).includes(value);
}

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { MIGRATION_KINDS, parseRegistry, readRegistry } from '../../../platform/db/migrations';

import { migrationNames, registryPath } from './fixtures';

const table = (rows: string): string =>
  `# Migrations\n\n## Registry\n\nText.\n\n| date | name | kind | purpose |\n|---|---|---|---|\n${rows}\n\n## Next\n`;

describe('the migration registry', () => {
  it('when MIGRATIONS.md is read, then every migration directory is registered with a kind', async () => {
    const kinds = await readRegistry(registryPath);

    assert.deepEqual([...kinds.keys()].sort(), await migrationNames());
    for (const kind of kinds.values()) assert.ok(MIGRATION_KINDS.includes(kind));
    assert.equal(kinds.get('0002_content_schedule_zone'), 'expand');
  });

  it('when a row is parsed, then backticks and padding are ignored and columns found by header', () => {
    const kinds = parseRegistry(
      table('| 2026-01-01 | `0001_a` |  expand | x |\n| 2026-01-02 | 0002_b | contract | y |'),
      'test.md',
    );

    assert.deepEqual(
      [...kinds],
      [
        ['0001_a', 'expand'],
        ['0002_b', 'contract'],
      ],
    );
  });

  it('when a kind is unknown, then it names the line and the allowed kinds', () => {
    assert.throws(
      () => parseRegistry(table('| 2026-01-01 | 0001_a | expnad | x |'), 'test.md'),
      /test\.md:9: 0001_a has kind "expnad"; use one of expand, backfill, constrain, contract/,
    );
  });

  it('when a migration is registered twice or the section is missing, then it refuses', () => {
    assert.throws(
      () =>
        parseRegistry(table('| d | 0001_a | expand | x |\n| d | 0001_a | expand | y |'), 'r.md'),
      /0001_a is registered twice/,
    );
    assert.throws(() => parseRegistry('# Migrations\n', 'r.md'), /no "## Registry" section/);
  });
});

import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';

import {
  MigrationError,
  RehearsalError,
  readRegistry,
  rehearse,
} from '../../../platform/db/migrations';
import type { MigrationKind } from '../../../platform/db/migrations';

import {
  databaseExists,
  migrationNames,
  migrationsDir,
  registryPath,
  withMigrationsCopy,
  adminUrl,
} from './fixtures';

const SEEDED_TABLES = [
  'api_keys',
  'approvals',
  'audit',
  'content',
  'kill_switch',
  'linkedin_tokens',
  'metrics',
  'oauth_states',
  'outlet_feature_flags',
  'publications',
];

/** Runs a rehearsal, collecting its output and the scratch databases it announced. */
async function rehearseWith(dir: string, kinds: ReadonlyMap<string, MigrationKind>) {
  const lines: string[] = [];
  const outcome = await rehearse(adminUrl, {
    migrationsDir: dir,
    kinds,
    log: (line) => lines.push(...line.split('\n')),
  }).then(
    (report) => ({ report, error: undefined }),
    (error: unknown) => ({ report: undefined, error }),
  );
  const databases = lines.flatMap((line) => /on scratch database (\S+)/.exec(line)?.[1] ?? []);
  return { ...outcome, lines, databases };
}

/** Adds a migration to a copy of prisma/migrations and registers it with `kind`. */
async function addMigration(
  dir: string,
  name: string,
  kind: MigrationKind,
  forward: string,
  down: string,
): Promise<Map<string, MigrationKind>> {
  await mkdir(path.join(dir, name));
  await writeFile(path.join(dir, name, 'migration.sql'), forward);
  await writeFile(path.join(dir, name, 'down.sql'), down);
  return new Map([...(await readRegistry(registryPath)), [name, kind]]);
}

async function assertDropped(databases: string[], expected: number): Promise<void> {
  assert.equal(databases.length, expected);
  for (const name of databases) assert.equal(await databaseExists(name), false, name);
}

describe('rehearse', () => {
  it('when run on the real migrations, then it passes and prints counts and hashes per table per step', async () => {
    const names = await migrationNames();
    const { report, error, lines, databases } = await rehearseWith(
      migrationsDir,
      await readRegistry(registryPath),
    );

    assert.equal(error, undefined);
    assert.deepEqual(
      report?.map((migration) => migration.name),
      names,
    );
    for (const migration of report ?? []) {
      assert.deepEqual(
        migration.steps.map((step) => step.step),
        ['before', 'forward', 'down', 'forward again'],
      );
      const before = migration.steps[0]?.tables ?? [];
      for (const step of migration.steps.slice(1)) {
        for (const table of step.tables) {
          const old = before.find((line) => line.table === table.table);
          // Tables that existed before the migration keep their rows through every step.
          if (old) assert.deepEqual([table.rows, table.hash], [old.rows, old.hash], table.table);
        }
      }
    }
    const second = report?.[1];
    assert.deepEqual(
      second?.steps[0]?.tables.map((line) => line.table),
      SEEDED_TABLES,
    );
    for (const line of second?.steps[0]?.tables ?? []) {
      assert.ok((line.rows ?? 0) >= 1, `${line.table} is seeded`);
      assert.match(line.hash ?? '', /^[0-9a-f]{64}$/);
    }
    assert.ok(lines.some((line) => /^\s+content\s+3\s+[0-9a-f]{16}\s+ok$/.test(line)));
    assert.ok(lines.some((line) => line.includes('after down')));
    assert.ok(lines.at(-1)?.startsWith('rehearsal passed'));
    await assertDropped(databases, names.length);
  });

  it('when an expand migration’s down.sql deletes rows, then it fails naming the table and the step', async () => {
    await withMigrationsCopy(async (dir) => {
      const kinds = await addMigration(
        dir,
        '9999_lossy_down',
        'expand',
        'ALTER TABLE "approvals" ADD COLUMN "reviewed_by" TEXT;\n',
        'DELETE FROM "approvals" WHERE "decision" = \'rejected\';\n' +
          'ALTER TABLE "approvals" DROP COLUMN "reviewed_by";\n',
      );

      const { error, lines, databases } = await rehearseWith(dir, kinds);

      assert.ok(error instanceof RehearsalError, String(error));
      assert.equal(error.migration, '9999_lossy_down');
      assert.equal(error.step, 'down');
      assert.deepEqual(error.problems, ['table approvals: rows 2 → 1']);
      assert.match(
        error.message,
        /9999_lossy_down \(expand\), step "down": table approvals: rows 2 → 1/,
      );
      assert.ok(lines.some((line) => /^\s+approvals\s+1\s+[0-9a-f]{16}\s+changed$/.test(line)));
      await assertDropped(databases, (await migrationNames(dir)).length);
    });
  });

  it('when the same lossy migration is a contract, then losing rows is allowed', async () => {
    await withMigrationsCopy(async (dir) => {
      const kinds = await addMigration(
        dir,
        '9999_lossy_down',
        'contract',
        'ALTER TABLE "approvals" ADD COLUMN "reviewed_by" TEXT;\n',
        'DELETE FROM "approvals" WHERE "decision" = \'rejected\';\n' +
          'ALTER TABLE "approvals" DROP COLUMN "reviewed_by";\n',
      );

      const { error, report } = await rehearseWith(dir, kinds);

      assert.equal(error, undefined);
      const down = report?.at(-1)?.steps.find((step) => step.step === 'down');
      const approvals = down?.tables.find((line) => line.table === 'approvals');
      assert.deepEqual([approvals?.rows, approvals?.verdict], [1, 'changed (contract)']);
    });
  });

  it('when a backfill rewrites existing values, then the row hash catches it at forward', async () => {
    await withMigrationsCopy(async (dir) => {
      const kinds = await addMigration(
        dir,
        '9999_rewrites_titles',
        'backfill',
        'UPDATE "content" SET "title" = upper("title");\n',
        'SELECT 1;\n',
      );

      const { error } = await rehearseWith(dir, kinds);

      assert.ok(error instanceof RehearsalError);
      assert.equal(error.step, 'forward');
      assert.match(error.problems[0] ?? '', /^table content: rows modified \(hash [0-9a-f]{16} → /);
    });
  });

  it('when down.sql does not undo the forward change, then it fails at down naming the column', async () => {
    await withMigrationsCopy(async (dir) => {
      const kinds = await addMigration(
        dir,
        '9999_no_real_down',
        'expand',
        'ALTER TABLE "metrics" ADD COLUMN "source" TEXT;\n',
        '-- forgot to drop the column\n',
      );

      const { error } = await rehearseWith(dir, kinds);

      assert.ok(error instanceof RehearsalError);
      assert.equal(error.step, 'down');
      assert.deepEqual(error.problems, ['table metrics: column source is text NULL, was absent']);
    });
  });

  it('when a migration is missing from the registry, then it refuses before creating anything', async () => {
    await withMigrationsCopy(async (dir) => {
      await addMigration(dir, '9999_unregistered', 'expand', 'SELECT 1;\n', 'SELECT 1;\n');

      const { error, databases } = await rehearseWith(dir, await readRegistry(registryPath));

      assert.ok(error instanceof MigrationError);
      assert.match(error.message, /registry.*9999_unregistered/);
      assert.deepEqual(databases, []);
    });
  });
});

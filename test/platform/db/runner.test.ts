import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { appendFile, readFile, rm, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';

import { MigrationError, migrate, rollback, status } from '../../../platform/db/migrations';

import {
  columnExists,
  migrationNames,
  migrationsDir,
  query,
  withDatabase,
  withMigrationsCopy,
} from './fixtures';

interface HistoryRow {
  id: string;
  checksum: string;
  finished_at: Date | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: Date | null;
  started_at: Date;
  applied_steps_count: number;
}

const history = (url: string): Promise<HistoryRow[]> =>
  query<HistoryRow>(url, 'SELECT * FROM "_prisma_migrations" ORDER BY "migration_name"');

const sha256 = async (file: string): Promise<string> =>
  createHash('sha256')
    .update(await readFile(file))
    .digest('hex');

describe('migrate', () => {
  it('when run on an empty database, then it applies every migration and records each as Prisma does', async () => {
    await withDatabase(async ({ url }) => {
      const names = await migrationNames();
      const lines: string[] = [];

      const result = await migrate(url, { migrationsDir, log: (line) => lines.push(line) });

      assert.deepEqual(result.applied, names);
      assert.ok(lines.includes(`applying ${names[0]}`));
      const rows = await history(url);
      assert.deepEqual(
        rows.map((row) => row.migration_name),
        names,
      );
      for (const row of rows) {
        assert.match(
          row.id,
          /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
        );
        assert.equal(
          row.checksum,
          await sha256(path.join(migrationsDir, row.migration_name, 'migration.sql')),
        );
        assert.ok(row.finished_at instanceof Date);
        assert.ok(row.finished_at >= row.started_at);
        assert.equal(row.applied_steps_count, 1);
        assert.equal(row.logs, null);
        assert.equal(row.rolled_back_at, null);
      }
      assert.ok(await columnExists(url, 'content', 'scheduled_zone'));
    });
  });

  it('when it creates _prisma_migrations, then the table has exactly the columns Prisma gives it', async () => {
    await withDatabase(async ({ url }) => {
      await migrate(url, { migrationsDir });

      const columns = await query<{
        column_name: string;
        type: string;
        nullable: string;
        default: string | null;
      }>(
        url,
        `SELECT column_name, format_type(atttypid, atttypmod) AS type, is_nullable AS nullable,
                column_default AS default
           FROM information_schema.columns c
           JOIN pg_attribute a ON a.attrelid = '"_prisma_migrations"'::regclass AND a.attname = c.column_name
          WHERE c.table_name = '_prisma_migrations' ORDER BY c.ordinal_position`,
      );
      assert.deepEqual(columns, [
        { column_name: 'id', type: 'character varying(36)', nullable: 'NO', default: null },
        { column_name: 'checksum', type: 'character varying(64)', nullable: 'NO', default: null },
        {
          column_name: 'finished_at',
          type: 'timestamp with time zone',
          nullable: 'YES',
          default: null,
        },
        {
          column_name: 'migration_name',
          type: 'character varying(255)',
          nullable: 'NO',
          default: null,
        },
        { column_name: 'logs', type: 'text', nullable: 'YES', default: null },
        {
          column_name: 'rolled_back_at',
          type: 'timestamp with time zone',
          nullable: 'YES',
          default: null,
        },
        {
          column_name: 'started_at',
          type: 'timestamp with time zone',
          nullable: 'NO',
          default: 'now()',
        },
        { column_name: 'applied_steps_count', type: 'integer', nullable: 'NO', default: '0' },
      ]);
      const [key] = await query<{ columns: string }>(
        url,
        `SELECT pg_get_indexdef(indexrelid) AS columns FROM pg_index
          WHERE indrelid = '"_prisma_migrations"'::regclass AND indisprimary`,
      );
      assert.match(key?.columns ?? '', /\(id\)$/);
    });
  });

  it('when run again, then it applies nothing and leaves the history as it was', async () => {
    await withDatabase(async ({ url }) => {
      await migrate(url, { migrationsDir });
      const before = await history(url);
      const lines: string[] = [];

      const again = await migrate(url, { migrationsDir, log: (line) => lines.push(line) });

      assert.deepEqual(again.applied, []);
      assert.deepEqual(lines, ['no pending migrations']);
      assert.deepEqual(await history(url), before);
    });
  });

  it('when an applied migration file was edited, then it refuses and names that migration', async () => {
    await withDatabase(({ url }) =>
      withMigrationsCopy(async (dir) => {
        await migrate(url, { migrationsDir: dir });
        const [first] = await migrationNames(dir);
        await appendFile(path.join(dir, String(first), 'migration.sql'), '\n-- a late edit\n');

        await assert.rejects(migrate(url, { migrationsDir: dir }), (error: unknown) => {
          assert.ok(error instanceof MigrationError);
          assert.match(
            error.message,
            new RegExp(`migration ${first} was changed after it was applied`),
          );
          return true;
        });
        assert.deepEqual((await status(url, { migrationsDir: dir })).changed, [first]);
      }),
    );
  });

  it('when an applied migration directory disappeared, then it refuses and names that migration', async () => {
    await withDatabase(({ url }) =>
      withMigrationsCopy(async (dir) => {
        await migrate(url, { migrationsDir: dir });
        const newest = String((await migrationNames(dir)).at(-1));
        await rm(path.join(dir, newest), { recursive: true });

        await assert.rejects(
          migrate(url, { migrationsDir: dir }),
          new RegExp(`migration ${newest} is recorded as applied but .*${newest}/ is missing`),
        );
        assert.deepEqual((await status(url, { migrationsDir: dir })).missing, [newest]);
      }),
    );
  });

  it('when a migration fails, then none of it stays applied and it is not recorded', async () => {
    await withDatabase(({ url }) =>
      withMigrationsCopy(async (dir) => {
        await mkdir(path.join(dir, '9999_broken'));
        await writeFile(
          path.join(dir, '9999_broken', 'migration.sql'),
          'ALTER TABLE "content" ADD COLUMN "half_done" TEXT;\nSELECT 1 / 0;\n',
        );

        await assert.rejects(
          migrate(url, { migrationsDir: dir }),
          /9999_broken failed.*division by zero/,
        );

        assert.equal(await columnExists(url, 'content', 'half_done'), false);
        const names = (await history(url)).map((row) => row.migration_name);
        assert.deepEqual(names, await migrationNames(migrationsDir));
      }),
    );
  });

  it('when a started migration never finished, then it blocks until marked rolled back, like Prisma', async () => {
    await withDatabase(async ({ url }) => {
      const [first, second] = await migrationNames();
      assert.ok(first && second, 'needs two migrations');
      await migrate(url, { migrationsDir, upTo: first });
      await query(
        url,
        `INSERT INTO "_prisma_migrations" ("id", "checksum", "migration_name", "logs")
         VALUES ('00000000-0000-4000-8000-000000000001', repeat('0', 64), $1, 'boom')`,
        [second],
      );

      await assert.rejects(
        migrate(url, { migrationsDir }),
        new RegExp(`migration ${second} started at .* and never finished`),
      );
      assert.deepEqual((await status(url, { migrationsDir })).failed, [second]);

      await query(
        url,
        `UPDATE "_prisma_migrations" SET "rolled_back_at" = now() WHERE "logs" = 'boom'`,
      );
      const resumed = await migrate(url, { migrationsDir });

      assert.equal(resumed.applied[0], second);
      const rows = (await history(url)).filter((row) => row.migration_name === second);
      assert.equal(rows.length, 2, 'the rolled-back attempt stays as history');
      assert.equal(rows.filter((row) => row.finished_at !== null).length, 1);
    });
  });

  it('when upTo names an unknown migration, then it refuses before connecting', async () => {
    await assert.rejects(
      migrate('postgres://nobody@127.0.0.1:1/none', { migrationsDir, upTo: '0000_nope' }),
      /there is no migration 0000_nope/,
    );
  });
});

describe('rollback', () => {
  it('when migrations are applied, then it undoes the newest and migrate applies it again', async () => {
    await withDatabase(async ({ url }) => {
      const names = await migrationNames();
      const newest = String(names.at(-1));
      await migrate(url, { migrationsDir });

      const undone = await rollback(url, { migrationsDir });

      assert.deepEqual(undone, { rolledBack: newest });
      const remaining = (await history(url)).map((row) => row.migration_name);
      assert.deepEqual(remaining, names.slice(0, -1));
      const current = await status(url, { migrationsDir });
      assert.deepEqual(current.pending, [newest]);

      const redone = await migrate(url, { migrationsDir });

      assert.deepEqual(redone.applied, [newest]);
      assert.deepEqual((await status(url, { migrationsDir })).pending, []);
    });
  });

  it('when the newest migration has no down.sql, then it refuses and keeps the migration applied', async () => {
    await withDatabase(({ url }) =>
      withMigrationsCopy(async (dir) => {
        const newest = String((await migrationNames(dir)).at(-1));
        await migrate(url, { migrationsDir: dir });
        await rm(path.join(dir, newest, 'down.sql'));

        await assert.rejects(
          rollback(url, { migrationsDir: dir }),
          new RegExp(`migration ${newest} has no down.sql`),
        );
        assert.ok((await history(url)).some((row) => row.migration_name === newest));
      }),
    );
  });

  it('when nothing is applied, then it reports that and changes nothing', async () => {
    await withDatabase(async ({ url }) => {
      assert.deepEqual(await rollback(url, { migrationsDir }), { rolledBack: null });
    });
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { migrate, rollback } from '../../../platform/db/migrations';

import { columnExists, migrationsDir, query, withDatabase } from './fixtures';

const MIGRATION = '0002_content_schedule_zone';
const hex64 = 'a'.repeat(64);

function insertContent(url: string, id: string, zone: string | null): Promise<unknown> {
  return query(
    url,
    `INSERT INTO "content" ("content_id", "version", "workflow_id", "source_hash", "markdown",
       "status", "language", "outlets", "sanitize", "content_hash", "rendered", "title",
       "submitted_by", "scheduled_at", "scheduled_zone")
     VALUES ($1, 1, $1, $2, 'body', 'scheduled', 'en', ARRAY['linkedin'], true, $2, '{}', 't',
       'test', '2026-03-08T07:30:00Z', $3)`,
    [id, hex64, zone],
  );
}

describe(MIGRATION, () => {
  it('when a zone looks like an IANA name or is absent, then content accepts it', async () => {
    await withDatabase(async ({ url }) => {
      await migrate(url, { migrationsDir, upTo: MIGRATION });
      const zones = ['America/New_York', 'America/Argentina/Buenos_Aires', 'Etc/GMT+5', 'UTC'];

      for (const [index, zone] of [...zones, null].entries()) {
        await insertContent(url, `ok-${index}`, zone);
      }

      const [count] = await query<{ n: number }>(url, 'SELECT count(*)::int AS n FROM "content"');
      assert.equal(count?.n, zones.length + 1);
    });
  });

  it('when a zone is not shaped like an IANA name or is too long, then the CHECK refuses it', async () => {
    await withDatabase(async ({ url }) => {
      await migrate(url, { migrationsDir, upTo: MIGRATION });

      for (const zone of ['Not a zone!', '../etc/passwd', '+05:00', '', `Area/${'x'.repeat(60)}`]) {
        await assert.rejects(
          insertContent(url, 'bad', zone),
          /content_scheduled_zone_format/,
          zone,
        );
      }
    });
  });

  it('when rolled back with zones stored, then the column goes, the instants stay, and it comes back', async () => {
    await withDatabase(async ({ url }) => {
      await migrate(url, { migrationsDir, upTo: MIGRATION });
      await insertContent(url, 'kept', 'Australia/Lord_Howe');

      await rollback(url, { migrationsDir });

      assert.equal(await columnExists(url, 'content', 'scheduled_zone'), false);
      const [row] = await query<{ scheduled_at: Date }>(
        url,
        'SELECT "scheduled_at" FROM "content"',
      );
      assert.equal(row?.scheduled_at.toISOString(), '2026-03-08T07:30:00.000Z');

      await migrate(url, { migrationsDir, upTo: MIGRATION });
      assert.equal(await columnExists(url, 'content', 'scheduled_zone'), true);
    });
  });
});

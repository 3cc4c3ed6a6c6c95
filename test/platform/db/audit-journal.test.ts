// 0004_audit_journal on a database that already has a hash-chained audit log: the old rows stay
// verifiable (by their chain and by the seals that now cover them), the previous release can
// keep writing during the deploy, and down.sql brings the old shape back.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { appendAudit } from '../../../platform/audit';
import { chainHash, GENESIS_HASH, type ChainedFields } from '../../../platform/audit-digest';
import { verifyAudit } from '../../../platform/audit-verify';
import { createDb, type Db } from '../../../platform/db/client';
import { migrate, rollback } from '../../../platform/db/migrations';
import { sealEverything, testVerifyKeys } from '../../helpers/audit';
import { migrationsDir, query, withDatabase } from './fixtures';

const MIGRATION = '0004_audit_journal';

/** Appends a row the way the previous release did: chained to `prevHash`, written over pg. */
async function appendChained(url: string, prevHash: string, reason: string): Promise<string> {
  const row: ChainedFields = {
    at: new Date(),
    actor: 'editor:ada',
    action: 'content.transition',
    subject: 'legacy-post',
    workflowId: 'content:legacy-post:v1',
    runId: 'run-1',
    fromStatus: 'scheduled',
    toStatus: 'published',
    reason,
    details: { version: 1, nested: { b: 2, a: 1 } },
  };
  const hash = chainHash(prevHash, row);
  await query(
    url,
    `INSERT INTO "audit" ("at", "actor", "action", "subject", "workflow_id", "run_id",
       "from_status", "to_status", "reason", "details", "prev_hash", "hash")
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    [
      row.at,
      row.actor,
      row.action,
      row.subject,
      row.workflowId,
      row.runId,
      row.fromStatus,
      row.toStatus,
      row.reason,
      JSON.stringify(row.details),
      prevHash,
      hash,
    ],
  );
  return hash;
}

async function withLegacyJournal(work: (url: string, db: Db) => Promise<void>): Promise<void> {
  await withDatabase(async ({ url }) => {
    await migrate(url, { migrationsDir, upTo: '0003_review_sessions' });
    let head = GENESIS_HASH;
    for (const reason of ['one', 'two', 'three']) head = await appendChained(url, head, reason);
    await migrate(url, { migrationsDir, upTo: MIGRATION });
    const db = createDb(url, { max: 3 });
    try {
      await work(url, db);
    } finally {
      await db.$disconnect();
    }
  });
}

const verify = (db: Db) => verifyAudit(db, { keys: testVerifyKeys, maxUnsealedAgeMs: null });

describe(MIGRATION, () => {
  it('when chained rows exist, then after the migration they read writer 0, keep their chain, get sealed with the new rows, and verify — also with a row the previous release wrote during the deploy', () =>
    withLegacyJournal(async (url, db) => {
      const legacy = await db.audit.findMany({ orderBy: { id: 'asc' } });
      assert.deepEqual(
        legacy.map((r) => r.writerXid),
        [0n, 0n, 0n],
      );
      // The previous release, still running, finds no hash on the newest row and chains from
      // the genesis hash: its row is sealed like any other.
      await appendAudit(db, { actor: 'worker', action: 'content.event', subject: 'new-post' });
      await appendChained(url, GENESIS_HASH, 'from the previous release');
      await appendAudit(db, { actor: 'worker', action: 'content.event', subject: 'new-post' });

      await sealEverything(db);
      const report = await verify(db);
      assert.deepEqual(report.problems, []);
      assert.equal(report.rows, 6);
      assert.equal(report.unsealed, 0);
    }));

  it('when a row from before the migration is edited, then both its chain and its seal report it', () =>
    withLegacyJournal(async (url, db) => {
      await sealEverything(db);
      const [, second] = await db.audit.findMany({ orderBy: { id: 'asc' } });
      assert.ok(second);
      await query(
        url,
        `ALTER TABLE "audit" DISABLE TRIGGER "audit_append_only";
         UPDATE "audit" SET "reason" = 'rewritten' WHERE "id" = ${second.id};
         ALTER TABLE "audit" ENABLE TRIGGER "audit_append_only";`,
      );
      const kinds = (await verify(db)).problems.map((p) => [p.kind, p.rowId]);
      assert.deepEqual(kinds, [
        ['chain_hash_mismatch', second.id.toString()],
        ['row_edited', second.id.toString()],
      ]);
    }));

  it('when it is rolled back after unchained rows were written, then they get placeholder chain hashes, the seals go, and migrating again works', () =>
    withLegacyJournal(async (url, db) => {
      await appendAudit(db, { actor: 'worker', action: 'content.event', subject: 'new-post' });
      await sealEverything(db);
      await db.$disconnect();

      assert.equal((await rollback(url, { migrationsDir })).rolledBack, MIGRATION);
      const rows = await query<{ prev_hash: string; hash: string }>(
        url,
        'SELECT "prev_hash", "hash" FROM "audit" ORDER BY "id"',
      );
      assert.equal(rows.length, 4);
      assert.ok(rows.every((r) => /^[0-9a-f]{64}$/.test(r.hash)));
      assert.equal(rows[3]?.prev_hash, GENESIS_HASH);
      const nullable = await query<{ column_name: string; is_nullable: string }>(
        url,
        `SELECT "column_name", "is_nullable" FROM information_schema.columns
          WHERE table_name = 'audit' AND column_name IN ('prev_hash', 'hash', 'writer_xid')
          ORDER BY "column_name"`,
      );
      assert.deepEqual(
        nullable.map((c) => [c.column_name, c.is_nullable]),
        [
          ['hash', 'NO'],
          ['prev_hash', 'NO'],
        ],
      );
      const [seals] = await query<{ t: string | null }>(
        url,
        `SELECT to_regclass('audit_seals')::text AS "t"`,
      );
      assert.equal(seals?.t, null);

      await migrate(url, { migrationsDir, upTo: MIGRATION });
      const [back] = await query<{ n: number }>(
        url,
        'SELECT count(*)::int AS "n" FROM "audit" WHERE "writer_xid" = 0',
      );
      assert.equal(back?.n, 4);
    }));
});

// platform/audit.ts: appends are plain concurrent inserts — no lock, no chain on the write path —
// idempotent by dedupe key, usable inside a caller's own transaction (issue 12, item 1), and
// group-committed when appended through the client.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { appendAudit, appendAuditBatch, type AuditEntry } from '../../platform/audit';
import { createDb, type Db } from '../../platform/db/client';
import { auditDatabase, sealAndVerify, type AuditDatabase } from '../helpers/audit';
import { uniqueId } from '../helpers/stack';

const entry = (subject: string, extra: Partial<AuditEntry> = {}): AuditEntry => ({
  actor: 'test',
  action: 'test.entry',
  subject,
  ...extra,
});

/** Resolves once `count` parties have arrived; fails after `timeoutMs` naming who is missing. */
function barrier(count: number, timeoutMs: number, what: string) {
  let arrived = 0;
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return {
    async arrive(): Promise<void> {
      arrived++;
      if (arrived === count) open();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`${what}: only ${arrived} of ${count} got there`)),
          timeoutMs,
        );
      });
      try {
        await Promise.race([opened, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

describe('appendAudit', () => {
  let audit: AuditDatabase;
  let db: Db;

  before(async () => {
    audit = await auditDatabase();
    db = audit.db;
  });
  after(() => audit.close());

  it('when 16 writers append inside 16 transactions that all stay open until every one has appended, then none waits for another and all 16 rows land', async () => {
    const pool = createDb(audit.url, { max: 17 });
    try {
      const subject = uniqueId('concurrent');
      const allAppended = barrier(16, 60_000, 'writers serialized behind one another');
      let advisoryLocksWhileOpen = -1;
      await Promise.all(
        Array.from({ length: 16 }, (_, i) =>
          pool.$transaction(
            async (tx) => {
              await appendAudit(tx, entry(subject, { details: { writer: i } }));
              // A global lock would hold every other writer here until this one commits, which
              // it does only after all 16 have appended: the barrier would time out.
              await allAppended.arrive();
              if (i === 0) {
                const [row] = await db.$queryRaw<{ n: number }[]>`
                  SELECT count(*)::int AS "n" FROM pg_locks
                   WHERE locktype = 'advisory'
                     AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`;
                advisoryLocksWhileOpen = row?.n ?? -1;
              }
            },
            { maxWait: 30_000, timeout: 90_000 },
          ),
        ),
      );
      assert.equal(advisoryLocksWhileOpen, 0, 'no advisory lock is held by 16 open writers');
      const rows = await db.audit.findMany({ where: { subject }, orderBy: { id: 'asc' } });
      assert.equal(rows.length, 16);
      assert.deepEqual(
        rows.map((r) => (r.details as { writer: number }).writer).sort((a, b) => a - b),
        Array.from({ length: 16 }, (_, i) => i),
      );
      assert.ok(
        rows.every((r) => r.hash === null && r.prevHash === null && r.writerXid > 0n),
        'new rows carry their writer and no chain',
      );
      assert.equal(new Set(rows.map((r) => r.writerXid)).size, 16, 'one transaction each');
    } finally {
      await pool.$disconnect();
    }
  });

  it('when the transaction that appended rolls back, then its entry is gone with it', async () => {
    const subject = uniqueId('rolled-back');
    await assert.rejects(
      db.$transaction(async (tx) => {
        await appendAudit(tx, entry(subject));
        throw new Error('the work failed');
      }),
      /the work failed/,
    );
    assert.equal(await db.audit.count({ where: { subject } }), 0);
  });

  it('when the same event is appended ten times at once under one dedupe key, then it is recorded once', async () => {
    const dedupeKey = uniqueId('dedupe');
    const subject = uniqueId('once');
    await Promise.all(
      Array.from({ length: 10 }, () => appendAudit(db, entry(subject, { dedupeKey }))),
    );
    assert.equal(await db.audit.count({ where: { dedupeKey } }), 1);
  });

  it('when 40 entries are appended through the client in the same tick, then they are written together in one transaction and each caller learns it', async () => {
    const subject = uniqueId('grouped');
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => appendAudit(db, entry(subject, { details: { i } }))),
    );
    const rows = await db.audit.findMany({ where: { subject }, orderBy: { id: 'asc' } });
    assert.deepEqual(
      rows.map((r) => (r.details as { i: number }).i),
      Array.from({ length: 40 }, (_, i) => i),
      'every entry once, in the order appended',
    );
    assert.equal(new Set(rows.map((r) => r.writerXid)).size, 1, 'one commit for the group');
  });

  it('when one entry of a group cannot be stored, then only its caller is refused and the others are written', async () => {
    const subject = uniqueId('one-bad');
    // Postgres text cannot hold U+0000: the group's statement fails on this one entry.
    const results = await Promise.allSettled([
      appendAudit(db, entry(subject, { details: { i: 0 } })),
      appendAudit(db, entry(subject, { reason: 'nul \u0000 inside', details: { i: 1 } })),
      appendAudit(db, entry(subject, { details: { i: 2 } })),
    ]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    const rows = await db.audit.findMany({ where: { subject }, orderBy: { id: 'asc' } });
    assert.deepEqual(
      rows.map((r) => (r.details as { i: number }).i),
      [0, 2],
    );
  });

  it('when a batch repeats a dedupe key, also one already recorded, then each event is written once and the count says so', async () => {
    const seen = uniqueId('seen');
    const fresh = uniqueId('fresh');
    const subject = uniqueId('batch');
    await appendAudit(db, entry(subject, { dedupeKey: seen }));
    const written = await appendAuditBatch(db, [
      entry(subject, { dedupeKey: seen }),
      entry(subject, { dedupeKey: fresh }),
      entry(subject, { dedupeKey: fresh }),
      entry(subject),
      entry(subject),
    ]);
    assert.equal(written, 3);
    assert.equal(await db.audit.count({ where: { subject } }), 4);
  });

  it('when a batch is larger than one statement takes, then every entry is written', async () => {
    const subject = uniqueId('large');
    const written = await appendAuditBatch(
      db,
      Array.from({ length: 2_500 }, (_, i) => entry(subject, { details: { i } })),
    );
    assert.equal(written, 2_500);
    assert.equal(await db.audit.count({ where: { subject } }), 2_500);
  });

  // Regression guard from the hash-chain days: a lone surrogate is stored as U+FFFD, so what is
  // hashed must be what Postgres gives back (reached from the API by a kill-switch `reason`).
  it('when an entry carries a lone surrogate, then it is stored well-formed and the journal seals and verifies', async () => {
    const subject = uniqueId('surrogate');
    await appendAudit(
      db,
      entry(subject, { reason: 'broken \ud800 pair', details: { note: 'low \udc00 alone' } }),
    );
    const row = await db.audit.findFirstOrThrow({ where: { subject } });
    assert.equal(row.reason, 'broken \ufffd pair');
    assert.deepEqual(row.details, { note: 'low \ufffd alone' });
    assert.deepEqual((await sealAndVerify(db)).problems, []);
  });
});

// platform/audit-sealer.ts: seals cover only rows whose writers have finished, so a row that
// commits late is sealed by a later seal, never skipped; two sealers never fork the chain.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import nacl from 'tweetnacl';
import { appendAudit, type AuditEntry } from '../../platform/audit';
import { GENESIS_HASH } from '../../platform/audit-digest';
import { sealAll, sealOnce, SEALER_LOCK_KEY } from '../../platform/audit-sealer';
import { verifyAudit } from '../../platform/audit-verify';
import { createDb, type Db } from '../../platform/db/client';
import {
  auditDatabase,
  sealEverything,
  sealedIds,
  testSealSeed,
  testSigner,
  testVerifyKeys,
  type AuditDatabase,
} from '../helpers/audit';
import { eventually, uniqueId } from '../helpers/stack';

const entry = (subject: string, reason: string): AuditEntry => ({
  actor: 'test',
  action: 'test.entry',
  subject,
  reason,
});

/** The seal that covers row `id`, once one does. */
async function sealOf(db: Db, id: bigint): Promise<bigint | undefined> {
  for (const [sealId, ids] of await sealedIds(db)) if (ids.includes(id)) return sealId;
  return undefined;
}

const verify = (db: Db) => verifyAudit(db, { keys: testVerifyKeys, maxUnsealedAgeMs: null });

describe('the audit sealer', () => {
  let audit: AuditDatabase;
  let db: Db;

  before(async () => {
    audit = await auditDatabase();
    db = audit.db;
  });
  after(() => audit.close());

  it('when a row is written in a transaction held open while later rows commit and seals run, then it is sealed by a later seal after it commits, not skipped', async () => {
    const subject = uniqueId('slow');
    for (const reason of ['a1', 'a2', 'a3']) await appendAudit(db, entry(subject, reason));
    const early = await db.audit.findMany({ where: { subject }, orderBy: { id: 'asc' } });

    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let written!: () => void;
    const slowWritten = new Promise<void>((resolve) => (written = resolve));
    const slow = db.$transaction(
      async (tx) => {
        await appendAudit(tx, entry(subject, 'slow'));
        written();
        await released;
      },
      { timeout: 180_000 },
    );
    await slowWritten;
    for (const reason of ['b1', 'b2', 'b3']) await appendAudit(db, entry(subject, reason));
    const later = await db.audit.findMany({
      where: { subject, reason: { startsWith: 'b' } },
      orderBy: { id: 'asc' },
    });

    // Another database's long transaction on the same server can hold the horizon back for a
    // while: seal until the rows written before the slow one are in.
    const earlySeal = await eventually(
      async () => {
        await sealAll(db, testSigner);
        const seals = await Promise.all(early.map((r) => sealOf(db, r.id)));
        return seals.every((s) => s !== undefined) ? seals.at(-1) : undefined;
      },
      120_000,
      'the rows written before the slow one to be sealed',
    );
    // While the slow writer is open, neither its row (still invisible) nor the rows committed
    // after it (at or above the horizon it holds) are sealed.
    for (const row of later) assert.equal(await sealOf(db, row.id), undefined, `row ${row.id}`);
    assert.equal(await db.audit.count({ where: { subject, reason: 'slow' } }), 0);

    release();
    await slow;
    const slowRow = await db.audit.findFirstOrThrow({ where: { subject, reason: 'slow' } });
    assert.ok(
      slowRow.id < (later[0]?.id ?? 0n),
      'the slow row got its id before the later rows and became visible after them',
    );
    const slowSeal = await eventually(
      async () => {
        await sealAll(db, testSigner);
        return sealOf(db, slowRow.id);
      },
      120_000,
      'the slow row to be sealed',
    );
    assert.ok(slowSeal > earlySeal, `sealed later (seal ${slowSeal} after seal ${earlySeal})`);
    for (const row of later) {
      const seal = await eventually(async () => {
        await sealAll(db, testSigner);
        return sealOf(db, row.id);
      }, 120_000);
      assert.ok(seal > earlySeal);
    }
    const report = await verify(db);
    assert.deepEqual(report.problems, []);
    const all = [...(await sealedIds(db)).values()].flat();
    assert.equal(new Set(all).size, all.length, 'no row is in two seals');
  });

  it('when the sealer lock is taken, then a sealer skips its round', async () => {
    await appendAudit(db, entry(uniqueId('locked'), 'waiting'));
    let outcome: Awaited<ReturnType<typeof sealOnce>> | undefined;
    await db.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${SEALER_LOCK_KEY})`;
      outcome = await sealOnce(db, testSigner);
    });
    assert.deepEqual(outcome, { kind: 'busy' });
  });

  it('when two sealers on two pools seal over and over while writers write, then the seals form one chain with no fork and the journal verifies', async () => {
    const other = createDb(audit.url, { max: 4 });
    try {
      const subject = uniqueId('two-sealers');
      const writing = Promise.all(
        Array.from({ length: 8 }, async (_, w) => {
          for (let i = 0; i < 10; i++) await appendAudit(db, entry(subject, `w${w}-${i}`));
        }),
      );
      const sealing = Promise.all(
        [db, other].map(async (pool) => {
          for (let i = 0; i < 15; i++) await sealAll(pool, testSigner, 7);
        }),
      );
      await Promise.all([writing, sealing]);
      await eventually(
        async () => {
          await sealAll(db, testSigner);
          const rows = await db.audit.findMany({ where: { subject }, select: { id: true } });
          const sealed = await Promise.all(rows.map((r) => sealOf(db, r.id)));
          return sealed.every((s) => s !== undefined) ? true : undefined;
        },
        120_000,
        'every row to be sealed',
      );
      const seals = await db.auditSeal.findMany({ orderBy: { id: 'asc' } });
      assert.equal(new Set(seals.map((s) => s.prevHash)).size, seals.length, 'no fork');
      seals.forEach((seal, i) =>
        assert.equal(seal.prevHash, seals[i - 1]?.hash ?? GENESIS_HASH, `seal ${seal.id}`),
      );
      assert.deepEqual((await verify(db)).problems, []);
    } finally {
      await other.$disconnect();
    }
  });

  it('when seals are written, then neither the signing seed nor the secret key reaches the database', async () => {
    await appendAudit(db, entry(uniqueId('secret'), 'x'));
    await sealEverything(db);
    const [dump] = await db.$queryRaw<{ text: string }[]>`
      SELECT string_agg(s::text, ' ') AS "text" FROM "audit_seals" AS s`;
    const seed = Buffer.from(testSealSeed, 'base64');
    const secretKey = nacl.sign.keyPair.fromSeed(seed).secretKey;
    for (const form of [
      testSealSeed,
      seed.toString('hex'),
      Buffer.from(secretKey).toString('base64'),
      Buffer.from(secretKey).toString('hex'),
    ]) {
      assert.ok(!(dump?.text ?? '').includes(form));
    }
    assert.ok((dump?.text ?? '').includes(testSigner.keyId), 'the dump holds the seals');
  });

  it('when a second seal claims the same predecessor, then the database refuses it', async () => {
    await appendAudit(db, entry(uniqueId('fork'), 'x'));
    await sealEverything(db);
    const last = await db.auditSeal.findFirstOrThrow({ orderBy: { id: 'desc' } });
    const { id: _id, ...copy } = last;
    await assert.rejects(
      db.auditSeal.create({ data: { ...copy, hash: 'e'.repeat(64) } }),
      /Unique constraint|unique/i,
    );
  });

  it('when the last seal reaches past the current transaction horizon (a restore into a new cluster), then the sealer stops and says so', async () => {
    const scratch = await auditDatabase(2);
    try {
      await appendAudit(scratch.db, entry('restored', 'x'));
      await sealEverything(scratch.db);
      const last = await scratch.db.auditSeal.findFirstOrThrow({ orderBy: { id: 'desc' } });
      const far = 1n << 60n;
      await scratch.db.auditSeal.create({
        data: {
          ...last,
          id: undefined,
          prevHash: last.hash,
          hash: 'd'.repeat(64),
          fromXid: last.toXid,
          fromId: last.toId,
          toXid: far,
          toId: 0n,
        },
      });
      const outcome = await sealOnce(scratch.db, testSigner);
      assert.equal(outcome.kind, 'behind');
    } finally {
      await scratch.close();
    }
  });
});

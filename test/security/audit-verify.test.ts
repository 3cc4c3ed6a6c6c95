// RELIABILITY.md §4 (ASVS 16.4.2, 16.4.3) and issue 12 item 1: `npm run audit:verify` fails on an
// edited, inserted or deleted row, on a forged seal, and on a missing, stale or contradicted
// checkpoint. Tampering needs the append-only triggers out of the way; the stargue role owns the
// tables of a test database, so it may disable them (the application never does).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { appendAudit } from '../../platform/audit';
import { rowDigest, rowsHash, sealHash, sealMessage } from '../../platform/audit-digest';
import { checkpointFile, writeCheckpoint } from '../../platform/audit-checkpoint';
import { createSealSigner, generateSealKey } from '../../platform/audit-keys';
import { verifyAudit } from '../../platform/audit-verify';
import type { AuditSeal, Db } from '../../platform/db/client';
import {
  auditDatabase,
  sealEverything,
  TEST_SEAL_KEY_ID,
  testVerifyKeys,
  testVerifyKeysEnv,
  type AuditDatabase,
} from '../helpers/audit';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');

interface Verdict {
  code: number;
  stdout: string;
  stderr: string;
}

describe('npm run audit:verify', () => {
  let audit: AuditDatabase;
  let db: Db;
  let checkpoints: string;

  before(async () => {
    audit = await auditDatabase();
    db = audit.db;
    checkpoints = await mkdtemp(path.join(tmpdir(), 'stargue-checkpoints-'));
    for (let i = 0; i < 6; i++) {
      await appendAudit(db, {
        actor: 'drill',
        action: 'drill.entry',
        subject: `audit-${i}`,
        reason: `entry ${i}`,
        details: { i, nested: { b: 2, a: 1 } },
      });
      // Several seals, so an edit in one is named beside intact neighbours.
      if (i % 2 === 1) await sealEverything(db);
    }
  });
  after(async () => {
    await audit.close();
    await rm(checkpoints, { recursive: true, force: true });
  });

  /** `npm run audit:verify` is `tsx scripts/audit-verify.ts`; run it the same way. */
  async function verify(args: string[] = [], dir = checkpoints): Promise<Verdict> {
    try {
      const { stdout, stderr } = await run(
        process.execPath,
        ['--import', 'tsx', 'scripts/audit-verify.ts', ...args],
        {
          cwd: root,
          env: {
            PATH: process.env.PATH ?? '',
            DATABASE_URL: audit.url,
            AUDIT_VERIFY_KEYS: testVerifyKeysEnv,
            AUDIT_CHECKPOINT_DIR: dir,
          },
        },
      );
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code?: number; stdout?: string; stderr?: string };
      return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
    }
  }

  /** Runs `change` with the append-only triggers disabled, then restores them whatever happens. */
  async function tamper(change: (db: Db) => Promise<unknown>): Promise<void> {
    await db.$executeRawUnsafe('ALTER TABLE "audit" DISABLE TRIGGER "audit_append_only"');
    await db.$executeRawUnsafe(
      'ALTER TABLE "audit_seals" DISABLE TRIGGER "audit_seals_append_only"',
    );
    try {
      await change(db);
    } finally {
      await db.$executeRawUnsafe('ALTER TABLE "audit" ENABLE TRIGGER "audit_append_only"');
      await db.$executeRawUnsafe(
        'ALTER TABLE "audit_seals" ENABLE TRIGGER "audit_seals_append_only"',
      );
    }
  }

  const sealedRows = async () => {
    const seals = await db.auditSeal.findMany({ orderBy: { id: 'asc' } });
    return seals.flatMap((s) => s.rowIds.map((id) => ({ id, seal: s.id })));
  };

  /** A seal over the same rows re-signed by `signer`: what someone without our key can make. */
  async function reSign(
    seal: AuditSeal,
    signer: ReturnType<typeof createSealSigner>,
  ): Promise<void> {
    const fields = {
      sealedAt: seal.sealedAt,
      from: { xid: seal.fromXid, id: seal.fromId },
      to: { xid: seal.toXid, id: seal.toId },
      rowCount: seal.rowCount,
      rowsHash: rowsHash(Buffer.from(seal.rowDigests)),
      prevHash: seal.prevHash,
      keyId: signer.keyId,
    };
    const message = sealMessage(fields);
    await tamper((db) =>
      db.auditSeal.update({
        where: { id: seal.id },
        data: {
          rowsHash: fields.rowsHash,
          keyId: signer.keyId,
          hash: sealHash(message),
          signature: signer.sign(message),
        },
      }),
    );
  }

  it('when the journal is intact, then the first run creates the checkpoint and every run after it exits 0', async () => {
    const rows = await db.audit.count();
    const first = await verify(['--init-checkpoint']);
    assert.equal(first.code, 0, first.stderr);
    assert.match(
      first.stdout,
      new RegExp(`audit intact: ${rows} rows verified, ${rows} under \\d+ seals, 0 not sealed yet`),
    );
    const again = await verify();
    assert.equal(again.code, 0, again.stderr);
  });

  it('when the application tries to change or remove an entry or a seal, then the triggers refuse', async () => {
    const [first] = await sealedRows();
    assert.ok(first);
    await assert.rejects(
      db.audit.update({ where: { id: first.id }, data: { reason: 'x' } }),
      /append-only/,
    );
    await assert.rejects(db.audit.delete({ where: { id: first.id } }), /append-only/);
    await assert.rejects(db.$executeRawUnsafe('TRUNCATE "audit"'), /append-only/);
    await assert.rejects(
      db.auditSeal.update({ where: { id: first.seal }, data: { keyId: 'x' } }),
      /append-only/,
    );
    await assert.rejects(db.auditSeal.delete({ where: { id: first.seal } }), /append-only/);
    await assert.rejects(db.$executeRawUnsafe('TRUNCATE "audit_seals"'), /append-only/);
  });

  it('when a sealed row is edited, then audit:verify exits 1 naming that row and its seal; restored, it passes again', async () => {
    const target = (await sealedRows())[2];
    assert.ok(target);
    const original = await db.audit.findUniqueOrThrow({ where: { id: target.id } });
    await tamper((db) =>
      db.audit.update({ where: { id: target.id }, data: { reason: 'nothing happened here' } }),
    );
    const verdict = await verify();
    assert.equal(verdict.code, 1);
    assert.match(verdict.stderr, /audit BROKEN: 1 problem/);
    assert.match(verdict.stderr, new RegExp(`row ${target.id}: row_edited: .*seal ${target.seal}`));
    await tamper((db) =>
      db.audit.update({ where: { id: target.id }, data: { reason: original.reason } }),
    );
    assert.equal((await verify()).code, 0);
  });

  it('when a sealed row is deleted, then audit:verify exits 1 naming it; put back, it passes again', async () => {
    const target = (await sealedRows())[3];
    assert.ok(target);
    const original = await db.audit.findUniqueOrThrow({ where: { id: target.id } });
    await tamper((db) => db.audit.delete({ where: { id: target.id } }));
    const verdict = await verify();
    assert.equal(verdict.code, 1);
    assert.match(verdict.stderr, new RegExp(`row ${target.id}: row_deleted`));
    await tamper((db) =>
      db.audit.create({ data: { ...original, details: original.details ?? undefined } }),
    );
    assert.equal((await verify()).code, 0);
  });

  it('when a row is inserted into sealed history, then audit:verify exits 1 naming it', async () => {
    const target = (await sealedRows())[1];
    assert.ok(target);
    const neighbour = await db.audit.findUniqueOrThrow({ where: { id: target.id } });
    // Backdated into a sealed range: the same writer as a sealed row, a free id just above it.
    const inserted = await db.audit.create({
      data: {
        id: neighbour.id + 100_000n,
        writerXid: neighbour.writerXid,
        actor: 'mallory',
        action: 'kill_switch.released',
        subject: 'kill-switch',
        reason: 'inserted by hand',
      },
    });
    const seal = await db.auditSeal.findUniqueOrThrow({ where: { id: target.seal } });
    const insideThatSeal =
      inserted.writerXid < seal.toXid ||
      (inserted.writerXid === seal.toXid && inserted.id < seal.toId);
    const verdict = await verify();
    await tamper((db) => db.audit.delete({ where: { id: inserted.id } }));
    assert.ok(insideThatSeal, 'the row lies in the sealed range');
    assert.equal(verdict.code, 1);
    assert.match(verdict.stderr, new RegExp(`row ${inserted.id}: row_inserted`));
    assert.equal((await verify()).code, 0);
  });

  it('when a row claims a writer transaction that has not started, to stay unsealed for ever, then audit:verify exits 1 naming it', async () => {
    const inserted = await db.audit.create({
      data: { writerXid: 1n << 62n, actor: 'mallory', action: 'x', subject: 'future' },
    });
    const verdict = await verify();
    await tamper((db) => db.audit.delete({ where: { id: inserted.id } }));
    assert.equal(verdict.code, 1);
    assert.match(verdict.stderr, new RegExp(`row ${inserted.id}: row_from_the_future`));
  });

  it('when a seal is re-made over an edited row and signed with a key that is not ours under our key id, then audit:verify exits 1: bad signature', async () => {
    const last = await db.auditSeal.findFirstOrThrow({ orderBy: { id: 'desc' } });
    const rowId = last.rowIds[0] as bigint;
    const original = await db.audit.findUniqueOrThrow({ where: { id: rowId } });
    await tamper((db) => db.audit.update({ where: { id: rowId }, data: { reason: 'rewritten' } }));
    // Recompute the seal exactly as the sealer would, but sign with a key of the attacker's.
    const rows = await db.audit.findMany({ where: { id: { in: last.rowIds } } });
    const digests = Buffer.concat(
      last.rowIds.map((id) => rowDigest(rows.find((r) => r.id === id) ?? original)),
    );
    await tamper((db) =>
      db.auditSeal.update({ where: { id: last.id }, data: { rowDigests: digests } }),
    );
    const attacker = createSealSigner(TEST_SEAL_KEY_ID, generateSealKey().seed);
    await reSign(await db.auditSeal.findUniqueOrThrow({ where: { id: last.id } }), attacker);

    const verdict = await verify();
    assert.equal(verdict.code, 1);
    assert.match(verdict.stderr, new RegExp(`seal ${last.id}: seal_bad_signature`));
    assert.doesNotMatch(verdict.stderr, /row_edited/, 'the rows match the forged seal');
    // Put the row and the seal back as they were.
    await tamper((db) =>
      db.audit.update({ where: { id: rowId }, data: { reason: original.reason } }),
    );
    await tamper((db) =>
      db.auditSeal.update({
        where: { id: last.id },
        data: {
          rowDigests: last.rowDigests,
          rowsHash: last.rowsHash,
          keyId: last.keyId,
          hash: last.hash,
          signature: last.signature,
        },
      }),
    );
    assert.equal((await verify()).code, 0);
  });

  it('when a seal is signed by a key that AUDIT_VERIFY_KEYS does not list, then audit:verify exits 1: unknown key', async () => {
    const last = await db.auditSeal.findFirstOrThrow({ orderBy: { id: 'desc' } });
    await reSign(last, createSealSigner('mallory', generateSealKey().seed));
    const verdict = await verify();
    await tamper((db) =>
      db.auditSeal.update({
        where: { id: last.id },
        data: { keyId: last.keyId, hash: last.hash, signature: last.signature },
      }),
    );
    assert.equal(verdict.code, 1);
    assert.match(
      verdict.stderr,
      new RegExp(`seal ${last.id}: seal_unknown_key: signed by key mallory`),
    );
    assert.equal((await verify()).code, 0);
  });

  it('when there is no checkpoint, then audit:verify exits 1 unless told to skip or create it', async () => {
    const empty = await mkdtemp(path.join(tmpdir(), 'stargue-no-checkpoint-'));
    try {
      const verdict = await verify([], empty);
      assert.equal(verdict.code, 1);
      assert.match(verdict.stderr, /checkpoint .* is missing: pass --init-checkpoint/);
      assert.equal((await verify(['--no-checkpoint'], empty)).code, 0);
      assert.equal((await verify(['--init-checkpoint'], empty)).code, 0);
      assert.equal((await verify([], empty)).code, 0, 'the first run left a checkpoint');
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('when the checkpoint is older than the allowed age, then audit:verify exits 1 as stale; --init-checkpoint renews it', async () => {
    const last = await db.auditSeal.findFirstOrThrow({ orderBy: { id: 'desc' } });
    const file = checkpointFile(audit.url, checkpoints);
    writeCheckpoint(
      file,
      undefined,
      { id: last.id.toString(), hash: last.hash },
      new Date(Date.now() - 10 * 86_400_000),
    );
    const verdict = await verify();
    assert.equal(verdict.code, 1);
    assert.match(verdict.stderr, /is stale \(older than 7d\)/);
    assert.equal((await verify(['--checkpoint-max-age', '30d'])).code, 0);
    writeCheckpoint(
      file,
      undefined,
      { id: last.id.toString(), hash: last.hash },
      new Date(Date.now() - 10 * 86_400_000),
    );
    assert.equal((await verify(['--init-checkpoint'])).code, 0);
    assert.equal((await verify()).code, 0, 'renewed');
  });

  it('when a flag is unknown or malformed, then audit:verify exits 1 with its usage', async () => {
    const unknown = await verify(['--yes']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /usage: npm run audit:verify/);
    const malformed = await verify(['--checkpoint-max-age', 'soon']);
    assert.equal(malformed.code, 1);
    assert.match(malformed.stderr, /--checkpoint-max-age must be like/);
  });

  it('when finished rows stay unsealed while the newest seal grows old, then the verifier reports the sealer behind', async () => {
    await appendAudit(db, { actor: 'drill', action: 'drill.late', subject: 'late' });
    const inAnHour = new Date(Date.now() + 3_600_000);
    const report = await verifyAudit(db, {
      keys: testVerifyKeys,
      maxUnsealedAgeMs: 600_000,
      now: inAnHour,
    });
    assert.deepEqual(
      report.problems.map((p) => p.kind),
      ['sealer_behind'],
    );
    await sealEverything(db);
    const sealed = await verifyAudit(db, {
      keys: testVerifyKeys,
      maxUnsealedAgeMs: 600_000,
      now: inAnHour,
    });
    assert.equal(sealed.unsealed, 0);
    assert.deepEqual(sealed.problems, []);
  });

  // Last, as it leaves the journal cut.
  it('when the newest seals and their rows are deleted (a cut tail), then audit:verify exits 1 against the checkpoint', async () => {
    assert.equal((await verify()).code, 0, 'the checkpoint is at the newest seal');
    const last = await db.auditSeal.findFirstOrThrow({ orderBy: { id: 'desc' } });
    await tamper(async (db) => {
      await db.auditSeal.delete({ where: { id: last.id } });
      await db.audit.deleteMany({ where: { id: { in: last.rowIds } } });
    });
    const verdict = await verify();
    assert.equal(verdict.code, 1, `a cut tail went unseen: ${verdict.stdout.trim()}`);
    assert.match(
      verdict.stderr,
      new RegExp(`seal ${last.id} recorded in the checkpoint .* is gone`),
    );
  });
});

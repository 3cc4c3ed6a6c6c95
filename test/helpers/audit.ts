// The audit journal in tests: a sealing key of the test run's own, and a migrated database of a
// suite's own (audit tests tamper with rows and seals, which must not leak into other suites).
import {
  createSealSigner,
  generateSealKey,
  verifyKeysFrom,
  type SealSigner,
} from '../../platform/audit-keys';
import { sealAll } from '../../platform/audit-sealer';
import { verifyAudit, type VerifyReport } from '../../platform/audit-verify';
import { createDb, type Db } from '../../platform/db/client';
import { adminUrl, createScratchDatabase, dropDatabase } from './database';

export const TEST_SEAL_KEY_ID = 'test';
const testKey = generateSealKey();
/** AUDIT_SIGNING_KEY of the test key, for a worker process. */
export const testSealSeed = testKey.seed;
export const testSigner: SealSigner = createSealSigner(TEST_SEAL_KEY_ID, testKey.seed);
/** AUDIT_VERIFY_KEYS for the test key. */
export const testVerifyKeysEnv = `${TEST_SEAL_KEY_ID}:${testKey.publicKey}`;
export const testVerifyKeys = verifyKeysFrom([{ id: TEST_SEAL_KEY_ID, key: testKey.publicKey }]);

/** Seals every finished row with the test key, then verifies the whole journal. */
export async function sealAndVerify(db: Db): Promise<VerifyReport> {
  await sealAll(db, testSigner);
  return verifyAudit(db, { keys: testVerifyKeys, maxUnsealedAgeMs: null });
}

/**
 * Seals until every row committed so far is sealed. Another database's long transaction on the
 * same server holds the horizon back for a while, so this waits rather than sealing once.
 */
export async function sealEverything(db: Db, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await sealAll(db, testSigner);
    const [rows, seals] = await Promise.all([
      db.audit.count(),
      db.auditSeal.aggregate({ _sum: { rowCount: true } }),
    ]);
    if ((seals._sum.rowCount ?? 0) >= rows) return;
    if (Date.now() > deadline) throw new Error(`rows still unsealed after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export interface AuditDatabase {
  url: string;
  db: Db;
  close(): Promise<void>;
}

/** A copy of the migrated test database, dropped on close. */
export async function auditDatabase(poolSize = 10): Promise<AuditDatabase> {
  const template = process.env.TEST_TEMPLATE_DATABASE_URL;
  if (!template) throw new Error('run through `npm test`: TEST_TEMPLATE_DATABASE_URL is not set');
  const url = await createScratchDatabase('stargue_audit', adminUrl(), template);
  const db = createDb(url, { max: poolSize });
  return {
    url,
    db,
    async close() {
      await db.$disconnect();
      await dropDatabase(url);
    },
  };
}

/** The ids each seal covers, by seal id. */
export async function sealedIds(db: Db): Promise<Map<bigint, bigint[]>> {
  const seals = await db.auditSeal.findMany({
    orderBy: { id: 'asc' },
    select: { id: true, rowIds: true },
  });
  return new Map(seals.map((s) => [s.id, s.rowIds]));
}

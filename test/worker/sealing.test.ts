// worker/main.ts runs the audit sealer: with AUDIT_SIGNING_KEY it seals what is written while it
// runs and stops cleanly on SIGTERM; without the key it says once that sealing is off.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { appendAudit } from '../../platform/audit';
import { verifyAudit } from '../../platform/audit-verify';
import {
  TEST_SEAL_KEY_ID,
  testSealSeed,
  testVerifyKeys,
  testVerifyKeysEnv,
} from '../helpers/audit';
import { eventually, startStack, uniqueId, type Stack } from '../helpers/stack';
import { spawnWorker, waitForExit } from '../helpers/worker-process';

describe('the worker seals the audit journal', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ connectAccount: false });
  });
  after(() => stack.close());

  it('when the worker has AUDIT_SIGNING_KEY, then rows written while it runs get sealed and verify, and SIGTERM stops it cleanly', async () => {
    const worker = spawnWorker(stack, {
      AUDIT_SIGNING_KEY: testSealSeed,
      AUDIT_SIGNING_KEY_ID: TEST_SEAL_KEY_ID,
      AUDIT_VERIFY_KEYS: testVerifyKeysEnv,
      AUDIT_SEAL_INTERVAL_MS: '200',
    });
    try {
      await eventually(
        async () => (worker.output().includes('worker running') ? true : undefined),
        60_000,
        `worker start: ${worker.output()}`,
      );
      assert.match(worker.output(), /audit sealing on/);
      const subject = uniqueId('sealed-by-worker');
      for (let i = 0; i < 5; i++) await appendAudit(stack.db, { actor: 't', action: 'x', subject });
      const ids = (await stack.db.audit.findMany({ where: { subject } })).map((r) => r.id);
      await eventually(
        async () => {
          const seals = await stack.db.auditSeal.findMany({ select: { rowIds: true } });
          const sealed = new Set(seals.flatMap((s) => s.rowIds));
          return ids.every((id) => sealed.has(id)) ? true : undefined;
        },
        120_000,
        'the worker to seal the new rows',
      );
      const report = await verifyAudit(stack.db, { keys: testVerifyKeys, maxUnsealedAgeMs: null });
      assert.deepEqual(report.problems, []);
    } finally {
      worker.kill('SIGTERM');
      assert.equal(await waitForExit(worker), 0, worker.output());
    }
  });

  it('when the worker has no AUDIT_SIGNING_KEY, then it runs and logs once that sealing is off', async () => {
    const worker = spawnWorker(stack);
    try {
      await eventually(
        async () => (worker.output().includes('worker running') ? true : undefined),
        60_000,
        `worker start: ${worker.output()}`,
      );
      assert.equal(worker.output().match(/audit sealing is off/g)?.length, 1);
    } finally {
      worker.kill('SIGTERM');
      await waitForExit(worker);
    }
  });
});

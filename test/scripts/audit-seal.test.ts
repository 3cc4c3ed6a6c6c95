// `npm run audit:seal` and `npm run keys -- audit`, run as an operator would.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { appendAudit } from '../../platform/audit';
import { createSealSigner } from '../../platform/audit-keys';
import { verifyAudit } from '../../platform/audit-verify';
import {
  auditDatabase,
  TEST_SEAL_KEY_ID,
  testSealSeed,
  testVerifyKeys,
  type AuditDatabase,
} from '../helpers/audit';
import { eventually } from '../helpers/stack';

const exec = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');

async function run(script: string, env: Record<string, string>, args: string[] = []) {
  try {
    const { stdout, stderr } = await exec(
      process.execPath,
      ['--import', 'tsx', `scripts/${script}`, ...args],
      { cwd: root, env: { PATH: process.env.PATH ?? '', ...env } },
    );
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('npm run audit:seal and keys', () => {
  let audit: AuditDatabase;
  before(async () => {
    audit = await auditDatabase(2);
  });
  after(() => audit.close());

  it('when rows are unsealed, then audit:seal seals them with the configured key, and a second run finds nothing to do', async () => {
    for (let i = 0; i < 3; i++)
      await appendAudit(audit.db, { actor: 't', action: 'x', subject: 's' });
    const env = {
      DATABASE_URL: audit.url,
      AUDIT_SIGNING_KEY: testSealSeed,
      AUDIT_SIGNING_KEY_ID: TEST_SEAL_KEY_ID,
    };
    // Another database's long transaction can hold the horizon back: run until all are sealed.
    const sealed = await eventually(async () => {
      const result = await run('audit-seal.ts', env);
      assert.equal(result.code, 0, result.stderr);
      const report = await verifyAudit(audit.db, { keys: testVerifyKeys, maxUnsealedAgeMs: null });
      return report.unsealed === 0 ? report : undefined;
    }, 120_000);
    assert.deepEqual(sealed.problems, []);
    assert.equal(sealed.rows, 3);
    const again = await run('audit-seal.ts', env);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /nothing to seal: every finished row is sealed/);
  });

  it('when AUDIT_SIGNING_KEY is missing, then audit:seal exits 1 naming it', async () => {
    const result = await run('audit-seal.ts', { DATABASE_URL: audit.url });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^audit:seal: AUDIT_SIGNING_KEY is required/);
  });

  for (const [purpose, prefix] of [
    ['audit', 'AUDIT'],
    ['decisions', 'APPROVAL'],
  ] as const) {
    it(`when ${purpose} keys are generated, then the printed seed and public key belong together under the given id`, async () => {
      const result = await run('keys.ts', {}, [purpose, '--id', 'a7']);
      assert.equal(result.code, 0, result.stderr);
      const seed = new RegExp(`^${prefix}_SIGNING_KEY=(\\S+)$`, 'm').exec(result.stdout)?.[1] ?? '';
      const verify = new RegExp(`^${prefix}_VERIFY_KEYS=(\\S+)$`, 'm').exec(result.stdout)?.[1];
      const [id, publicKey] = (verify ?? '').split(':');
      assert.match(result.stdout, new RegExp(`^${prefix}_SIGNING_KEY_ID=a7$`, 'm'));
      assert.equal(id, 'a7');
      assert.equal(createSealSigner('a7', seed).publicKey, publicKey);
      const bad = await run('keys.ts', {}, [purpose, '--id', 'no spaces']);
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, new RegExp(`${prefix}_SIGNING_KEY_ID must be`));
    });
  }
});

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { describe, it } from 'node:test';

const root = path.resolve(import.meta.dirname, '../..');
const KEY = randomBytes(32).toString('base64');

function start(entry: string, env: Record<string, string>) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', entry], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      LOG_LEVEL: 'silent',
      ...env,
    },
    encoding: 'utf8',
    timeout: 300_000,
  });
  return { status: result.status, stderr: result.stderr.trim(), stdout: result.stdout };
}

describe('process start-up with bad configuration', () => {
  for (const entry of ['worker/main.ts', 'api/server.ts']) {
    it(`when ${entry} lacks TOKEN_ENCRYPTION_KEY, then it exits 1 with one line naming it`, () => {
      const r = start(entry, {
        DATABASE_URL: 'postgres://stargue:stargue@127.0.0.1:5432/postgres',
      });
      assert.equal(r.status, 1);
      assert.equal(r.stderr.split('\n').length, 1, r.stderr);
      assert.match(r.stderr, /TOKEN_ENCRYPTION_KEY is required/);
      assert.doesNotMatch(r.stderr + r.stdout, /\n\s+at /);
    });

    it(`when ${entry} gets a malformed DATABASE_URL, then it exits 1 with one line naming it`, () => {
      const r = start(entry, { DATABASE_URL: 'mysql://nope', TOKEN_ENCRYPTION_KEY: KEY });
      assert.equal(r.status, 1);
      assert.equal(r.stderr.split('\n').length, 1, r.stderr);
      assert.match(r.stderr, /DATABASE_URL must be a postgres/);
    });

    it(`when ${entry} cannot reach the database, then it exits 1 with one line naming DATABASE_URL`, () => {
      const r = start(entry, {
        DATABASE_URL: 'postgres://stargue:stargue@127.0.0.1:1/postgres',
        TOKEN_ENCRYPTION_KEY: KEY,
      });
      assert.equal(r.status, 1);
      assert.equal(r.stderr.split('\n').length, 1, r.stderr);
      assert.match(r.stderr, /cannot use DATABASE_URL/);
      assert.doesNotMatch(r.stderr + r.stdout, /\n\s+at /);
    });

    it(`when ${entry} gets a LINKEDIN_VERSION LinkedIn has sunset, then it exits 1 with one line naming it`, () => {
      const r = start(entry, {
        DATABASE_URL: 'postgres://stargue:stargue@127.0.0.1:5432/postgres',
        TOKEN_ENCRYPTION_KEY: KEY,
        // Sunset on 2026-10-15 (LinkedIn's table): refused before anything else starts.
        LINKEDIN_VERSION: '202510',
      });
      assert.equal(r.status, 1);
      assert.equal(r.stderr.split('\n').length, 1, r.stderr);
      assert.match(r.stderr, /LINKEDIN_VERSION=202510 was sunset by LinkedIn on 2026-10-15/);
      assert.match(r.stderr, /set a current version such as 2026\d\d/);
      assert.doesNotMatch(r.stderr + r.stdout, /\n\s+at /);
    });
  }

  it('when worker/main.ts gets a malformed AUDIT_SIGNING_KEY, then it exits 1 with one line naming it', () => {
    const r = start('worker/main.ts', {
      DATABASE_URL: 'postgres://stargue:stargue@127.0.0.1:5432/postgres',
      TOKEN_ENCRYPTION_KEY: KEY,
      AUDIT_SIGNING_KEY: 'not-a-key',
    });
    assert.equal(r.status, 1);
    assert.equal(r.stderr.split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /AUDIT_SIGNING_KEY must be base64 of exactly 32 bytes/);
  });

  it('when worker/main.ts lists its own seal key id in AUDIT_VERIFY_KEYS with another public key, then it exits 1 before touching the database', () => {
    const r = start('worker/main.ts', {
      DATABASE_URL: 'postgres://stargue:stargue@127.0.0.1:1/postgres',
      TOKEN_ENCRYPTION_KEY: KEY,
      AUDIT_SIGNING_KEY: randomBytes(32).toString('base64'),
      AUDIT_SIGNING_KEY_ID: 'a2',
      AUDIT_VERIFY_KEYS: `a1:${randomBytes(32).toString('base64')},a2:${randomBytes(32).toString('base64')}`,
    });
    assert.equal(r.status, 1);
    assert.equal(r.stderr.split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /AUDIT_VERIFY_KEYS lists key a2 with a public key that does not belong/);
  });
});

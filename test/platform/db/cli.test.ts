import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';

import { migrationNames, repoRoot, withDatabase } from './fixtures';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCli(args: string[], env: Record<string, string | undefined>): Promise<Run> {
  const { DATABASE_URL: _app, MIGRATION_DATABASE_URL: _owner, ...inherited } = process.env;
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join('scripts', 'db.ts'), ...args],
      {
        cwd: repoRoot,
        env: { ...inherited, ...env },
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function assertOneLineError(run: Run, pattern: RegExp): void {
  assert.equal(run.code, 1);
  const lines = run.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, run.stderr);
  assert.match(lines[0] ?? '', pattern);
  assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
}

describe('scripts/db.ts', () => {
  it('when DATABASE_URL is missing, then it says so on one line and exits 1', async () => {
    assertOneLineError(await runCli(['migrate'], {}), /^DATABASE_URL is not set/);
  });

  it('when DATABASE_URL is not a postgres URL, then it says so on one line and exits 1', async () => {
    assertOneLineError(
      await runCli(['status'], { DATABASE_URL: 'not a url' }),
      /^DATABASE_URL is not a valid URL/,
    );
    assertOneLineError(
      await runCli(['status'], { DATABASE_URL: 'mysql://root@localhost/db' }),
      /^DATABASE_URL has scheme mysql:/,
    );
  });

  it('when the database is unreachable, then it names DATABASE_URL and the reason, not the password', async () => {
    const run = await runCli(['migrate'], {
      DATABASE_URL: 'postgres://stargue:sup3rsecret@127.0.0.1:1/postgres',
    });

    assertOneLineError(
      run,
      /^DATABASE_URL: cannot connect to stargue@127\.0\.0\.1:1\/postgres: connection refused/,
    );
    assert.doesNotMatch(run.stderr + run.stdout, /sup3rsecret/);
  });

  it('when MIGRATION_DATABASE_URL is set, then migrations use it and a problem names it', async () => {
    assertOneLineError(
      await runCli(['migrate'], {
        MIGRATION_DATABASE_URL: 'postgres://owner:x@127.0.0.1:1/postgres',
        DATABASE_URL: 'postgres://app:y@127.0.0.1:2/postgres',
      }),
      /^MIGRATION_DATABASE_URL: cannot connect to owner@127\.0\.0\.1:1\/postgres/,
    );
    await withDatabase(async ({ url }) => {
      const migrated = await runCli(['migrate'], {
        MIGRATION_DATABASE_URL: url,
        DATABASE_URL: 'postgres://app:y@127.0.0.1:2/postgres',
      });
      assert.equal(migrated.code, 0, migrated.stderr);
      const current = await runCli(['status'], { MIGRATION_DATABASE_URL: url });
      assert.match(current.stdout, /\d+ applied, 0 pending/);
    });
  });

  it('when rehearse gets an unreachable --admin-url, then the error names --admin-url', async () => {
    assertOneLineError(
      await runCli(['rehearse', '--admin-url', 'postgres://x:y@127.0.0.1:1/postgres'], {}),
      /^--admin-url: cannot connect/,
    );
  });

  it('when migrate and status run against a database, then they print what they did', async () => {
    await withDatabase(async ({ url }) => {
      const names = await migrationNames();

      const migrated = await runCli(['migrate'], { DATABASE_URL: url });
      const current = await runCli(['status'], { DATABASE_URL: url });

      assert.equal(migrated.code, 0, migrated.stderr);
      assert.match(migrated.stdout, new RegExp(`applied ${names[0]} in \\d+ ms`));
      assert.match(migrated.stdout, new RegExp(`${names.length} migration\\(s\\) applied`));
      assert.equal(current.code, 0, current.stderr);
      for (const name of names)
        assert.match(current.stdout, new RegExp(`^applied  ${name}  \\d{4}-`, 'm'));
      assert.match(current.stdout, new RegExp(`${names.length} applied, 0 pending`));
    });
  });

  it('when the command is unknown, then it exits 1 with one line', async () => {
    assertOneLineError(await runCli(['migrat'], {}), /^unknown command "migrat"/);
  });
});

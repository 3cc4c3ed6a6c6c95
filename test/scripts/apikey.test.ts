// `npm run apikey` (scripts/apikey.ts) as an operator runs it, as the runtime role: keys with an
// expiry, a listing that shows expiry and last use, and one-line refusals of bad arguments.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { adminUrl, createScratchDatabase, dropDatabase, runtimeUrlFor } from '../helpers/database';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const DAY = 24 * 60 * 60 * 1000;

// A database of its own: the run's database is the template other suites copy, so nothing may
// write to it (or even stay connected to it).
let databaseUrl = '';

async function apikey(
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--import', 'tsx', 'scripts/apikey.ts', ...args],
      {
        cwd: root,
        env: {
          PATH: process.env.PATH ?? '',
          DATABASE_URL: runtimeUrlFor(databaseUrl),
        },
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('npm run apikey', () => {
  before(async () => {
    databaseUrl = await createScratchDatabase(
      'stargue_apikey',
      adminUrl(),
      process.env.TEST_TEMPLATE_DATABASE_URL,
    );
  });
  after(() => dropDatabase(databaseUrl));

  it('when a key is created with --expires-in 90d, then it says until when and list shows it', async () => {
    const name = `expiring-${randomUUID().slice(0, 8)}`;
    const before = Date.now();
    const created = await apikey(
      'create',
      '--name',
      name,
      '--role',
      'editor',
      '--expires-in',
      '90d',
    );
    assert.equal(created.code, 0, created.stderr);
    const until = /valid until (\S+)\. It is shown once/.exec(created.stdout)?.[1];
    const expiresAt = new Date(until ?? '').getTime();
    assert.ok(Math.abs(expiresAt - (before + 90 * DAY)) < 60_000, `expiry ${until}`);
    assert.match(created.stdout.trimEnd().split('\n').at(-1) ?? '', /^stg_[A-Za-z0-9_-]{43}$/);

    const listed = await apikey('list');
    const line = listed.stdout.split('\n').find((l) => l.startsWith(`${name}\t`)) ?? '';
    assert.match(line, new RegExp(`\\tactive until ${until}\\t.*\\tnever used$`));
  });

  it('when --expires-in is not a lifetime, then it exits 1 with one line and creates nothing', async () => {
    const name = `bad-${randomUUID().slice(0, 8)}`;
    for (const lifetime of ['90', '0d', '4000d', 'soon']) {
      const result = await apikey(
        'create',
        '--name',
        name,
        '--role',
        'editor',
        '--expires-in',
        lifetime,
      );
      assert.equal(result.code, 1);
      assert.match(result.stderr, /^apikey: --expires-in must be days or hours, e\.g\. 90d or 12h/);
    }
    assert.ok(!(await apikey('list')).stdout.includes(name));
  });

  it('when an option is unknown, then it exits 1 with the usage, not a stack trace', async () => {
    const result = await apikey('create', '--expires', '90d');
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^apikey: Unknown option '--expires'/);
    assert.doesNotMatch(result.stderr, /\n\s+at /);
  });
});

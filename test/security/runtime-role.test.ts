// Least privilege in Postgres (docs/security.md, "The runtime database role"): the worker and the
// API log in as a member of `stargue_runtime`, which may read and append to the audit log but
// never change, remove, truncate, alter or drop it, owns nothing, and still has all the
// application needs: a real item goes from submission to published with both running as it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { appendAudit } from '../../platform/audit';
import { createDb, type Db } from '../../platform/db/client';
import { RUNTIME_ROLE } from '../../platform/db/roles';
import { bearer, buildTestApp, createKeys } from '../helpers/api';
import { post } from '../helpers/content';
import { TEST_RUNTIME_LOGIN } from '../helpers/database';
import { eventually, startStack, uniqueId, type Stack } from '../helpers/stack';

/** Tables whose rows are history: the runtime role may add to them, never change them. */
const APPEND_ONLY = ['audit', 'audit_seals', 'approvals'];

describe('the runtime database role', () => {
  let stack: Stack;
  let runtime: pg.Client;

  before(async () => {
    stack = await startStack();
    runtime = new pg.Client({ connectionString: stack.config.DATABASE_URL });
    await runtime.connect();
  });
  after(async () => {
    await runtime.end();
    await stack.close();
  });

  /** Runs `sql` as the runtime login and returns Postgres' refusal. */
  async function refusal(sql: string): Promise<{ code: string; message: string }> {
    try {
      await runtime.query(sql);
    } catch (error) {
      const { code = '', message } = error as { code?: string; message: string };
      return { code, message };
    }
    return assert.fail(`${sql} succeeded as the runtime role`);
  }

  it('when the application connects, then it is the runtime login, a member of stargue_runtime, owning nothing', async () => {
    const [who] = (
      await runtime.query<{ user: string; member: boolean; superuser: boolean; owned: string }>(
        `SELECT current_user AS user,
                pg_has_role(current_user, $1, 'MEMBER') AS member,
                (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser,
                (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                  WHERE n.nspname = 'public' AND pg_has_role(current_user, c.relowner, 'MEMBER'))
                  AS owned`,
        [RUNTIME_ROLE],
      )
    ).rows;
    assert.deepEqual(who, {
      user: TEST_RUNTIME_LOGIN.name,
      member: true,
      superuser: false,
      owned: '0',
    });
  });

  it('when the runtime role appends to the audit log, then INSERT and SELECT work', async () => {
    const subject = uniqueId('runtime-audit');
    const db: Db = createDb(stack.config.DATABASE_URL, { max: 1 });
    try {
      await appendAudit(db, { actor: 'runtime-test', action: 'drill.entry', subject });
    } finally {
      await db.$disconnect();
    }
    const rows = await runtime.query('SELECT action FROM audit WHERE subject = $1', [subject]);
    assert.deepEqual(rows.rows, [{ action: 'drill.entry' }]);
  });

  for (const [what, sql, expected] of [
    ['UPDATE', `UPDATE audit SET reason = 'forged'`, /permission denied for table audit/],
    ['DELETE', 'DELETE FROM audit', /permission denied for table audit/],
    ['TRUNCATE', 'TRUNCATE audit', /permission denied for table audit/],
    [
      'ALTER TABLE … DISABLE TRIGGER',
      'ALTER TABLE audit DISABLE TRIGGER audit_append_only',
      /must be owner of table audit/,
    ],
    [
      'DROP TRIGGER',
      'DROP TRIGGER audit_append_only ON audit',
      /must be owner of (table|relation) audit/,
    ],
    ['DROP TABLE', 'DROP TABLE audit', /must be owner of table audit/],
    ['CREATE TABLE', 'CREATE TABLE shadow (id int)', /permission denied for schema public/],
    ['reading migration history', 'SELECT * FROM _prisma_migrations', /permission denied/],
  ] as const) {
    it(`when the runtime role tries ${what}, then Postgres refuses it for lack of privilege`, async () => {
      const { code, message } = await refusal(sql);
      assert.equal(code, '42501', message);
      assert.match(message, expected);
      // The grant stops it, not the append-only trigger (which the owner could switch off).
      assert.doesNotMatch(message, /append-only/);
    });
  }

  it('when any table exists, then the runtime role may read it, and history tables only grow', async () => {
    const { rows } = await runtime.query<{
      table: string;
      select: boolean;
      update: boolean;
      delete: boolean;
      truncate: boolean;
      references: boolean;
      trigger: boolean;
    }>(
      `SELECT c.relname AS table,
              has_table_privilege($1, c.oid, 'SELECT') AS select,
              has_table_privilege($1, c.oid, 'UPDATE') AS update,
              has_table_privilege($1, c.oid, 'DELETE') AS delete,
              has_table_privilege($1, c.oid, 'TRUNCATE') AS truncate,
              has_table_privilege($1, c.oid, 'REFERENCES') AS references,
              has_table_privilege($1, c.oid, 'TRIGGER') AS trigger
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname <> '_prisma_migrations'
        ORDER BY 1`,
      [RUNTIME_ROLE],
    );
    assert.ok(rows.some((row) => row.table === 'audit'));
    for (const row of rows) {
      assert.ok(
        row.select,
        `${row.table}: the runtime role cannot read it (grant it in its migration)`,
      );
      assert.ok(!row.truncate && !row.references && !row.trigger, `${row.table}: too much granted`);
      if (APPEND_ONLY.includes(row.table)) {
        assert.ok(!row.update && !row.delete, `${row.table}: history must not be changed`);
      }
    }
  });

  it('when the API and the worker run as the runtime role, then an item is submitted, approved and published', async () => {
    await stack.startWorker();
    const app: FastifyInstance = await buildTestApp(stack);
    try {
      const keys = await createKeys(stack);
      const id = uniqueId('runtime');
      const submitted = await app.inject({
        method: 'POST',
        url: '/v1/content',
        headers: bearer(keys.integration),
        payload: { id, markdown: post() },
      });
      assert.equal(submitted.statusCode, 202, submitted.body);
      const statusOf = async () =>
        (
          await app.inject({
            method: 'GET',
            url: `/v1/content/${id}`,
            headers: bearer(keys.editor),
          })
        ).json<{
          status: string;
          contentHash: string;
        }>();
      const awaiting = await eventually(
        async () => {
          const view = await statusOf();
          return view.status === 'awaiting_approval' ? view : undefined;
        },
        60_000,
        'awaiting_approval',
      );
      const approved = await app.inject({
        method: 'POST',
        url: `/v1/content/${id}/approve`,
        headers: bearer(keys.editor),
        payload: { contentHash: awaiting.contentHash },
      });
      assert.ok(approved.statusCode < 300, approved.body);
      await eventually(
        async () => ((await statusOf()).status === 'published' ? true : undefined),
        60_000,
        'published',
      );
      assert.equal((await stack.standIn.ledger()).length, 1);
    } finally {
      await app.close();
    }
  });
});

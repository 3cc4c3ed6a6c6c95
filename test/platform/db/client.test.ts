// Statements prepared once per connection (platform/db/client.ts): named up to the process's
// limit, unnamed past it, so no connection's store of statements grows without bound.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createDb, type Db } from '../../../platform/db/client';
import { adminUrl } from '../../helpers/database';

/** The named statements the pool's one connection holds, with their text. */
async function prepared(db: Db) {
  return db.$queryRaw<{ name: string; statement: string }[]>`
    SELECT name, statement FROM pg_prepared_statements WHERE name LIKE 'stargue\\_%'`;
}

describe('prepared statements', () => {
  it('when a statement runs again, then its connection prepared it once and reuses it', async () => {
    const db = createDb(adminUrl(), { max: 1 });
    try {
      for (let i = 0; i < 3; i++) await db.$queryRaw`SELECT ${i}::int AS "n"`;
      const names = (await prepared(db)).filter((p) => p.statement.includes('AS "n"'));
      assert.equal(names.length, 1);
    } finally {
      await db.$disconnect();
    }
  });

  it('when a process meets more distinct statements than its limit, then the rest run unnamed and still answer', async () => {
    const db = createDb(adminUrl(), { max: 1, statementCache: 2 });
    try {
      const answers = [];
      for (const n of [1, 2, 3, 4]) {
        const [row] = await db.$queryRawUnsafe<{ n: number }[]>(`SELECT ${n}::int AS "n${n}"`);
        answers.push(Object.values(row ?? {})[0]);
      }
      assert.deepEqual(answers, [1, 2, 3, 4]);
      // The two texts within the limit; the view's own query is past it, so unnamed.
      const names = await prepared(db);
      assert.deepEqual(names.map((p) => p.statement).sort(), [
        'SELECT 1::int AS "n1"',
        'SELECT 2::int AS "n2"',
      ]);
    } finally {
      await db.$disconnect();
    }
  });

  it('when the cache is off, then no statement is named', async () => {
    const db = createDb(adminUrl(), { max: 1, statementCache: 0 });
    try {
      await db.$queryRaw`SELECT 1 AS "one"`;
      assert.deepEqual(await prepared(db), []);
    } finally {
      await db.$disconnect();
    }
  });
});

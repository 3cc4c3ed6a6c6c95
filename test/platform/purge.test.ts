// Expired review sessions and OAuth states are purged (platform/purge.ts), as the runtime role,
// on a database of their own so other suites' rows are never touched.
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createApiKey } from '../../platform/api-keys';
import { createDb, type Db } from '../../platform/db/client';
import { purgeExpired, schedulePurge, type Purged } from '../../platform/purge';
import { adminUrl, createScratchDatabase, dropDatabase, runtimeUrlFor } from '../helpers/database';
import { eventually } from '../helpers/stack';

const MINUTE = 60_000;
const hash = (text: string) => createHash('sha256').update(text).digest('hex');
const ago = (ms: number) => new Date(Date.now() - ms);

describe('purging expired sessions and OAuth states', () => {
  let databaseUrl: string;
  let owner: Db;
  let app: Db;
  let keyId: string;

  before(async () => {
    databaseUrl = await createScratchDatabase(
      'stargue_purge',
      adminUrl(),
      process.env.TEST_TEMPLATE_DATABASE_URL,
    );
    owner = createDb(databaseUrl, { max: 2 });
    app = createDb(runtimeUrlFor(databaseUrl), { max: 2 });
    keyId = (await createApiKey(owner, `purge-${randomUUID().slice(0, 8)}`, 'operator')).id;
  });
  after(async () => {
    await owner.$disconnect();
    await app.$disconnect();
    await dropDatabase(databaseUrl);
  });

  async function session(name: string, expiresAt: Date, revokedAt: Date | null = null) {
    await owner.reviewSession.create({
      data: {
        idHash: hash(name),
        apiKeyId: keyId,
        csrfHash: hash(`csrf ${name}`),
        createdAt: ago(13 * 60 * MINUTE),
        expiresAt,
        revokedAt,
      },
    });
  }
  async function state(name: string, expiresAt: Date) {
    await owner.oauthState.create({
      data: {
        stateHash: hash(name),
        apiKeyId: keyId,
        scopes: ['openid'],
        createdAt: ago(3 * 60 * MINUTE),
        expiresAt,
      },
    });
  }
  const remaining = async () => ({
    sessions: (await owner.reviewSession.findMany({ select: { idHash: true } }))
      .map((row) => row.idHash)
      .sort(),
    states: (await owner.oauthState.findMany({ select: { stateHash: true } }))
      .map((row) => row.stateHash)
      .sort(),
  });

  it('when sessions expired or were signed out and states expired over an hour ago, then only those go', async () => {
    await session('live', new Date(Date.now() + 60 * MINUTE));
    await session('expired', ago(MINUTE));
    await session('signed out', new Date(Date.now() + 60 * MINUTE), ago(MINUTE));
    await state('live', new Date(Date.now() + 10 * MINUTE));
    await state('just expired', ago(10 * MINUTE));
    await state('long expired', ago(2 * 60 * MINUTE));

    const purged = await purgeExpired(app);

    assert.deepEqual(purged, { reviewSessions: 2, oauthStates: 1 });
    assert.deepEqual(await remaining(), {
      sessions: [hash('live')],
      states: [hash('just expired'), hash('live')].sort(),
    });
    assert.deepEqual(await purgeExpired(app), { reviewSessions: 0, oauthStates: 0 });
  });

  it('when the purge is scheduled, then it runs at once, reports, and stops cleanly', async () => {
    await session('scheduled', ago(MINUTE));
    const reports: Purged[] = [];
    const purge = schedulePurge(app, {
      purged: (purged) => reports.push(purged),
      failed: (error) => assert.fail(String(error)),
    });
    await eventually(async () => (reports.length > 0 ? true : undefined), 10_000, 'a purge');
    await purge.stop();
    assert.equal(reports[0]?.reviewSessions, 1);
  });

  it('when the database is down, then the scheduled purge reports the failure and keeps going', async () => {
    const down = createDb('postgres://nobody:x@127.0.0.1:1/none', {
      connectionTimeoutMillis: 500,
    });
    const failures: unknown[] = [];
    const purge = schedulePurge(
      down,
      { purged: () => assert.fail('nothing to purge'), failed: (error) => failures.push(error) },
      50,
    );
    await eventually(async () => (failures.length >= 2 ? true : undefined), 15_000, 'retries');
    await purge.stop();
    await down.$disconnect();
  });
});

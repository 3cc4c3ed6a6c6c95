// API key lifecycle against a real database: expiry refused by the lookup, lifetimes parsed, and
// last use written coarsely and off the request's path. The application's side runs as the
// runtime role, as in production; the test inspects as the owner.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  createApiKey,
  createKeyUsageRecorder,
  findApiKey,
  parseLifetime,
  revokeApiKey,
} from '../../platform/api-keys';
import { createDb, type Db } from '../../platform/db/client';
import { adminUrl, createScratchDatabase, dropDatabase, runtimeUrlFor } from '../helpers/database';

const DAY = 24 * 60 * 60 * 1000;

describe('API keys', () => {
  let databaseUrl: string;
  let owner: Db;
  let app: Db;

  before(async () => {
    databaseUrl = await createScratchDatabase(
      'stargue_keys',
      adminUrl(),
      process.env.TEST_TEMPLATE_DATABASE_URL,
    );
    owner = createDb(databaseUrl, { max: 2 });
    app = createDb(runtimeUrlFor(databaseUrl), { max: 2 });
  });
  after(async () => {
    await owner.$disconnect();
    await app.$disconnect();
    await dropDatabase(databaseUrl);
  });

  const name = () => `key-${randomUUID().slice(0, 8)}`;
  const lastUsed = async (id: string) =>
    (await owner.apiKey.findUniqueOrThrow({ where: { id } })).lastUsedAt;
  const setLastUsed = (id: string, at: Date | null) =>
    owner.apiKey.update({ where: { id }, data: { lastUsedAt: at } });

  it('when a key has no expiry, then it is found with a null expiry', async () => {
    const { key, id } = await createApiKey(app, name(), 'editor');
    const found = await findApiKey(app, key);
    assert.equal(found?.id, id);
    assert.equal(found?.expiresAt, null);
  });

  it('when a key expires later, then it is found and carries its expiry', async () => {
    const expiresAt = new Date(Date.now() + 90 * DAY);
    const { key } = await createApiKey(app, name(), 'integration', { expiresAt });
    assert.equal((await findApiKey(app, key))?.expiresAt?.getTime(), expiresAt.getTime());
  });

  it('when a key has expired, then it is refused like an unknown key', async () => {
    const { key, id } = await createApiKey(app, name(), 'operator', {
      expiresAt: new Date(Date.now() + DAY),
    });
    await owner.apiKey.update({ where: { id }, data: { expiresAt: new Date(Date.now() - 1) } });
    assert.equal(await findApiKey(app, key), null);
  });

  it('when a key is revoked, then it is refused', async () => {
    const keyName = name();
    const { key } = await createApiKey(app, keyName, 'editor');
    assert.ok(await revokeApiKey(app, keyName));
    assert.equal(await findApiKey(app, key), null);
  });

  for (const [text, ms] of [
    ['90d', 90 * DAY],
    ['12h', 12 * 60 * 60 * 1000],
    ['1h', 60 * 60 * 1000],
    ['3650d', 3650 * DAY],
  ] as const) {
    it(`when the lifetime is ${text}, then it is ${ms} ms`, () => {
      assert.equal(parseLifetime(text), ms);
    });
  }

  for (const text of ['0d', '3651d', '90', 'd', '1.5d', '-1d', '90m', '9999999d', '']) {
    it(`when the lifetime is ${JSON.stringify(text)}, then it is refused`, () => {
      assert.equal(parseLifetime(text), null);
    });
  }

  it('when a key is used, then last use is written once, behind the caller', async () => {
    const { id } = await createApiKey(app, name(), 'editor');
    const recorder = createKeyUsageRecorder(app);
    const before = Date.now();
    assert.equal(recorder.record(id), undefined, 'returns at once, nothing to await');
    await recorder.flush();
    const first = await lastUsed(id);
    assert.ok(first && first.getTime() >= before - 5_000, 'written');

    // Used again within the minute: this process does not even ask the database.
    await setLastUsed(id, new Date('2026-01-01T00:00:00Z'));
    recorder.record(id);
    await recorder.flush();
    assert.equal((await lastUsed(id))?.toISOString(), '2026-01-01T00:00:00.000Z');
  });

  it('when a minute has passed, then the next use is written again', async () => {
    const { id } = await createApiKey(app, name(), 'editor');
    let now = Date.now();
    const recorder = createKeyUsageRecorder(app, { now: () => now });
    recorder.record(id);
    await recorder.flush();
    await setLastUsed(id, new Date(Date.now() - 2 * 60_000));
    now += 61_000;
    recorder.record(id);
    await recorder.flush();
    const written = await lastUsed(id);
    assert.ok(written && Date.now() - written.getTime() < 60_000, 'rewritten');
  });

  it('when another API instance wrote last use within the minute, then the database skips the write', async () => {
    const { id } = await createApiKey(app, name(), 'editor');
    const recent = new Date(Date.now() - 30_000);
    await setLastUsed(id, recent);
    const otherInstance = createKeyUsageRecorder(app);
    otherInstance.record(id);
    await otherInstance.flush();
    assert.equal((await lastUsed(id))?.getTime(), recent.getTime());
  });

  it('when the database is down, then recording neither throws nor waits, and the error is reported', async () => {
    const down = createDb('postgres://nobody:x@127.0.0.1:1/none', {
      connectionTimeoutMillis: 500,
    });
    const errors: unknown[] = [];
    try {
      const recorder = createKeyUsageRecorder(down, { onError: (error) => errors.push(error) });
      recorder.record(randomUUID());
      await recorder.flush();
      assert.equal(errors.length, 1);
    } finally {
      await down.$disconnect();
    }
  });
});

// Channels as data: the operator's changes (audited, one default per outlet, names unique) and
// resolveTargets, which submission calls, on a real migrated database as the runtime role.
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import { connectLinkedInChannel } from '../../channels/linkedin';
import { insertChannel, updateChannel, withOutletLock } from '../../channels/manage';
import { resolveTargets } from '../../channels/targets';
import { createVault } from '../../platform/crypto/vault';
import { createDb, type Db } from '../../platform/db/client';
import { AppError } from '../../publishing/errors';
import { adminUrl, createScratchDatabase, dropDatabase, runtimeUrlFor } from '../helpers/database';

const vault = createVault({
  currentKeyId: 'k1',
  currentKey: randomBytes(32).toString('base64'),
  oldKeys: [],
});

describe('channels and resolveTargets against Postgres', () => {
  let databaseUrl: string;
  let owner: Db;
  let db: Db;
  let ids: Record<string, string>;
  /** The audit is append-only: each test reads the rows written since its set-up. */
  let auditFrom: bigint;

  before(async () => {
    const template = process.env.TEST_TEMPLATE_DATABASE_URL;
    assert.ok(template, 'npm test provides a migrated template database');
    databaseUrl = await createScratchDatabase('stargue_channels', adminUrl(), template);
    owner = createDb(databaseUrl, { max: 2 });
    db = createDb(runtimeUrlFor(databaseUrl), { max: 4 });
  });
  after(async () => {
    await db.$disconnect();
    await owner.$disconnect();
    await dropDatabase(databaseUrl);
  });

  /** Jane (default) and Ada on LinkedIn, one Bluesky account; a clean slate for every test. */
  beforeEach(async () => {
    await owner.$executeRaw`TRUNCATE channels, linkedin_tokens CASCADE`;
    const linkedin = async (sub: string, name: string) =>
      (
        await connectLinkedInChannel(db, vault, {
          sub,
          name,
          tokens: {
            accessToken: `token-${sub}`,
            expiresInSeconds: 3600,
            scopes: ['w_member_social'],
          },
          connectedBy: 'operator-test',
        })
      ).channel.id;
    const jane = await linkedin('jane01', 'Jane Doe');
    const ada = await linkedin('ada01', 'Ada Lovelace');
    const id = randomUUID();
    const sealed = vault.seal(id, 'abcd-efgh-ijkl-mnop');
    const bluesky = await withOutletLock(db, 'bluesky', (tx) =>
      insertChannel(tx, 'operator-test', {
        id,
        outlet: 'bluesky',
        name: 'stargue.bsky.social',
        displayName: '@stargue.bsky.social',
        did: 'did:plc:stargue000000000000000000',
        handle: 'stargue.bsky.social',
        service: 'https://bsky.social',
        identifier: 'stargue.bsky.social',
        passwordKeyId: sealed.keyId,
        passwordNonce: Buffer.from(sealed.nonce),
        passwordCiphertext: Buffer.from(sealed.ciphertext),
      }),
    );
    ids = { jane, ada, bluesky: bluesky.id };
    auditFrom = (await db.audit.aggregate({ _max: { id: true } }))._max.id ?? 0n;
  });

  const issuesOf = async (entries: string[]) => {
    const result = await resolveTargets(db, entries);
    assert.equal(result.ok, false, 'refused');
    return result.ok ? [] : result.issues;
  };
  const rejects = (work: Promise<unknown>, code: string) =>
    assert.rejects(work, (err: unknown) => err instanceof AppError && err.code === code);

  it('when an outlet is named alone, then its default channel is meant; a named channel is that one', async () => {
    const result = await resolveTargets(db, ['linkedin', 'linkedin:ada-lovelace', 'bluesky']);
    assert.ok(result.ok, JSON.stringify(result));
    assert.deepEqual(result.targets, [
      {
        outlet: 'linkedin',
        channelId: ids.jane,
        channelName: 'jane-doe',
        key: 'linkedin:jane-doe',
      },
      {
        outlet: 'linkedin',
        channelId: ids.ada,
        channelName: 'ada-lovelace',
        key: 'linkedin:ada-lovelace',
      },
      {
        outlet: 'bluesky',
        channelId: ids.bluesky,
        channelName: 'stargue.bsky.social',
        key: 'bluesky:stargue.bsky.social',
      },
    ]);
  });

  it('when a channel is disabled, then resolveTargets refuses it and names the valid channels', async () => {
    await updateChannel(db, 'operator-test', 'linkedin', 'ada-lovelace', { disabled: true });
    const [issue, ...rest] = await issuesOf(['bluesky', 'linkedin:ada-lovelace']);
    assert.equal(rest.length, 0);
    assert.equal(issue?.path, 'outlets.1');
    assert.equal(issue?.code, 'CHANNEL_DISABLED');
    assert.match(
      issue?.message ?? '',
      /"ada-lovelace" is disabled; valid channels: linkedin:jane-doe \(default\)$/,
    );

    await updateChannel(db, 'operator-test', 'linkedin', 'ada-lovelace', { disabled: false });
    assert.ok((await resolveTargets(db, ['linkedin:ada-lovelace'])).ok, 'enabled again');
  });

  it('when an outlet, a channel or a default is unknown, or a channel is listed twice, then each is an issue at its index', async () => {
    await updateChannel(db, 'operator-test', 'bluesky', 'stargue.bsky.social', { default: false });
    const issues = await issuesOf([
      'linkedin',
      'mastodon:me',
      'linkedin:nobody',
      'bluesky',
      'linkedin:jane-doe',
    ]);
    assert.deepEqual(
      issues.map((i) => [i.path, i.code]),
      [
        ['outlets.1', 'UNKNOWN_OUTLET'],
        ['outlets.2', 'UNKNOWN_CHANNEL'],
        ['outlets.3', 'NO_DEFAULT_CHANNEL'],
        ['outlets.4', 'DUPLICATE_CHANNEL'],
      ],
    );
    assert.match(issues[0]?.message ?? '', /"mastodon"; known outlets: linkedin, bluesky/);
    assert.match(
      issues[1]?.message ?? '',
      /"nobody"; valid channels: linkedin:ada-lovelace, linkedin:jane-doe \(default\)/,
    );
    assert.match(issues[2]?.message ?? '', /valid channels: bluesky:stargue\.bsky\.social/);
    assert.match(issues[3]?.message ?? '', /linkedin:jane-doe is listed more than once/);
  });

  it('when a channel is renamed, then it keeps its identity: the new name resolves to the same id, the old one is unknown', async () => {
    const renamed = await updateChannel(db, 'operator-test', 'linkedin', 'ada-lovelace', {
      name: 'ada',
      displayName: 'Ada (personal)',
    });
    assert.equal(renamed.id, ids.ada);
    assert.equal(renamed.displayName, 'Ada (personal)');
    const result = await resolveTargets(db, ['linkedin:ada']);
    assert.ok(result.ok);
    assert.equal(result.targets[0]?.channelId, ids.ada);
    assert.equal((await issuesOf(['linkedin:ada-lovelace']))[0]?.code, 'UNKNOWN_CHANNEL');
    const renames = await db.audit.findMany({
      where: { action: 'channel.renamed', id: { gt: auditFrom } },
      orderBy: { id: 'asc' },
    });
    assert.deepEqual(
      renames.map((a) => a.subject),
      ['channel:linkedin:ada-lovelace', 'channel:linkedin:ada'],
      'both names’ histories tell of the rename',
    );
    assert.ok(
      await db.audit.findFirst({
        where: { action: 'channel.display_name_changed', subject: 'channel:linkedin:ada' },
      }),
    );
  });

  it('when the default is switched, then the outlet alone means the new one and only one channel is default', async () => {
    await updateChannel(db, 'operator-test', 'linkedin', 'ada-lovelace', { default: true });
    const result = await resolveTargets(db, ['linkedin']);
    assert.ok(result.ok);
    assert.equal(result.targets[0]?.channelId, ids.ada);
    assert.equal(await db.channel.count({ where: { outlet: 'linkedin', isDefault: true } }), 1);
    const audit = await db.audit.findMany({
      where: {
        action: { in: ['channel.default_set', 'channel.default_cleared'] },
        id: { gt: auditFrom },
      },
      orderBy: { id: 'asc' },
    });
    assert.deepEqual(
      audit.map((a) => [a.action, a.subject]),
      [
        ['channel.default_cleared', 'channel:linkedin:jane-doe'],
        ['channel.default_set', 'channel:linkedin:ada-lovelace'],
      ],
    );
    // Twenty concurrent switches: still exactly one default, never a failed constraint.
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        updateChannel(db, 'operator-test', 'linkedin', i % 2 ? 'jane-doe' : 'ada-lovelace', {
          default: true,
        }),
      ),
    );
    assert.equal(await db.channel.count({ where: { outlet: 'linkedin', isDefault: true } }), 1);
  });

  it('when the default is disabled, then the outlet alone is refused; a disabled channel cannot become the default', async () => {
    await updateChannel(db, 'operator-test', 'linkedin', 'jane-doe', { disabled: true });
    const [issue] = await issuesOf(['linkedin']);
    assert.equal(issue?.code, 'CHANNEL_DISABLED');
    assert.match(
      issue?.message ?? '',
      /default linkedin channel "jane-doe" is disabled; valid channels: linkedin:ada-lovelace$/,
    );
    await updateChannel(db, 'operator-test', 'linkedin', 'ada-lovelace', { disabled: true });
    await rejects(
      updateChannel(db, 'operator-test', 'linkedin', 'ada-lovelace', { default: true }),
      'INVALID_STATE',
    );
    assert.match(
      (await issuesOf(['linkedin:ada-lovelace']))[0]?.message ?? '',
      /no linkedin channel is connected and enabled/,
    );
  });

  it('when a rename takes a used name or a channel is unknown, then CHANNEL_CONFLICT or NOT_FOUND and nothing changes', async () => {
    const before = JSON.stringify(await db.channel.findMany({ orderBy: { name: 'asc' } }));
    await rejects(
      updateChannel(db, 'operator-test', 'linkedin', 'ada-lovelace', { name: 'jane-doe' }),
      'CHANNEL_CONFLICT',
    );
    await rejects(
      updateChannel(db, 'operator-test', 'linkedin', 'nobody', { disabled: true }),
      'NOT_FOUND',
    );
    // A change that fails part-way (rename done, then a refused default) leaves nothing behind.
    await updateChannel(db, 'operator-test', 'linkedin', 'ada-lovelace', { disabled: true });
    const disabled = JSON.stringify(await db.channel.findMany({ orderBy: { name: 'asc' } }));
    await rejects(
      updateChannel(db, 'operator-test', 'linkedin', 'ada-lovelace', {
        name: 'ada',
        default: true,
      }),
      'INVALID_STATE',
    );
    assert.equal(JSON.stringify(await db.channel.findMany({ orderBy: { name: 'asc' } })), disabled);
    assert.notEqual(before, disabled);
  });

  it('when a change changes nothing, then nothing is audited', async () => {
    const count = await db.audit.count();
    await updateChannel(db, 'operator-test', 'linkedin', 'jane-doe', {
      name: 'jane-doe',
      disabled: false,
      default: true,
    });
    assert.equal(await db.audit.count(), count);
  });
});

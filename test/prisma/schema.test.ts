// Proves prisma/schema.prisma describes the tables the SQL migrations create: every model is
// created, read, updated and deleted through the generated client on a freshly migrated database.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { PrismaPg } from '@prisma/adapter-pg';

import { PrismaClient } from '../../generated/prisma/client';
import { migrate, withScratchDatabase } from '../../platform/db/migrations';
import { adminUrl, migrationsDir } from '../platform/db/fixtures';

const hex = (char: string): string => char.repeat(64);
const bytes = (length: number, fill: number): Uint8Array<ArrayBuffer> =>
  new Uint8Array(length).fill(fill);

/** A freshly migrated database of the test's own, reached through the generated client. */
function withPrisma(work: (prisma: PrismaClient) => Promise<void>): Promise<void> {
  return withScratchDatabase(adminUrl, 'stargue_test', async ({ url }) => {
    await migrate(url, { migrationsDir });
    const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
    try {
      await work(prisma);
    } finally {
      await prisma.$disconnect();
    }
  });
}

describe('prisma/schema.prisma against the migrated database', () => {
  it('when content and its dependants go through the client, then they are created, read, updated and deleted', () =>
    withPrisma(async (prisma) => {
      const key = { contentId: 'schema-test', version: 1 };
      const created = await prisma.content.create({
        data: {
          ...key,
          workflowId: 'content:schema-test:v1',
          sourceHash: hex('a'),
          markdown: '# Hello',
          status: 'awaiting_approval',
          language: 'en-GB',
          outlets: ['linkedin'],
          sanitize: true,
          scheduledAt: new Date('2026-03-29T01:30:00Z'),
          scheduledZone: 'Europe/Paris',
          contentHash: hex('b'),
          rendered: { linkedin: { text: 'Hello', length: 5 } },
          title: 'Hello',
          submittedBy: 'integration:test',
        },
      });
      assert.equal(created.scheduledZone, 'Europe/Paris');
      assert.deepEqual(created.rendered, { linkedin: { text: 'Hello', length: 5 } });

      const approval = await prisma.approval.create({
        data: {
          ...key,
          decision: 'approved',
          actor: 'editor:ada',
          contentHash: hex('b'),
          requestId: 'u1',
        },
      });
      const publication = await prisma.publication.create({
        data: {
          ...key,
          idempotencyKey: 'content:schema-test:v1/linkedin',
          outlet: 'linkedin',
          state: 'intent',
          commentaryHash: hex('c'),
        },
      });
      const metric = await prisma.metric.create({
        data: {
          publicationId: publication.id,
          checkpoint: '1h',
          status: 'collected',
          impressions: 3,
        },
      });

      const read = await prisma.content.findUniqueOrThrow({
        where: { contentId_version: key },
        include: { approvals: true, publications: { include: { metrics: true } } },
      });
      assert.equal(read.approvals[0]?.id, approval.id);
      assert.equal(typeof approval.id, 'bigint');
      assert.equal(read.publications[0]?.metrics[0]?.impressions, 3);

      const updated = await prisma.content.update({
        where: { contentId_version: key },
        data: { status: 'scheduled', scheduledZone: 'America/New_York' },
      });
      assert.equal(updated.scheduledZone, 'America/New_York');
      await prisma.approval.update({ where: { id: approval.id }, data: { note: 'fine' } });
      const confirmed = await prisma.publication.update({
        where: { id: publication.id },
        data: {
          state: 'confirmed',
          postUrn: 'urn:li:share:1',
          attempt: { increment: 1 },
          followUp: { outlet: 'linkedin', publishedAt: '2026-12-05T00:00:00.000Z' },
        },
      });
      assert.equal(confirmed.attempt, 1);
      assert.deepEqual(confirmed.followUp, {
        outlet: 'linkedin',
        publishedAt: '2026-12-05T00:00:00.000Z',
      });
      await prisma.metric.update({ where: { id: metric.id }, data: { reactions: 2 } });

      await prisma.metric.delete({ where: { id: metric.id } });
      await prisma.publication.delete({ where: { id: publication.id } });
      await prisma.approval.delete({ where: { id: approval.id } });
      await prisma.content.delete({ where: { contentId_version: key } });
      assert.equal(await prisma.content.count(), 0);
    }));

  it('when a LinkedIn token is stored, then ciphertext and nonces come back byte for byte', () =>
    withPrisma(async (prisma) => {
      const created = await prisma.linkedinToken.create({
        data: {
          id: 'acct-1',
          memberUrn: 'urn:li:person:abc',
          scopes: ['openid', 'w_member_social'],
          keyId: 'k1',
          accessCiphertext: bytes(40, 7),
          accessNonce: bytes(24, 1),
          accessExpiresAt: new Date('2026-05-01T00:00:00Z'),
          connectedBy: 'operator:test',
        },
      });
      assert.equal(created.status, 'active');

      const read = await prisma.linkedinToken.findUniqueOrThrow({
        where: { memberUrn: 'urn:li:person:abc' },
      });
      assert.deepEqual(Buffer.from(read.accessNonce), Buffer.alloc(24, 1));
      assert.deepEqual(Buffer.from(read.accessCiphertext), Buffer.alloc(40, 7));

      const updated = await prisma.linkedinToken.update({
        where: { id: 'acct-1' },
        data: {
          refreshCiphertext: bytes(40, 9),
          refreshNonce: bytes(24, 2),
          status: 'reauth_required',
        },
      });
      assert.deepEqual(Buffer.from(updated.refreshNonce ?? []), Buffer.alloc(24, 2));

      await prisma.linkedinToken.delete({ where: { id: 'acct-1' } });
      assert.equal(await prisma.linkedinToken.count(), 0);
    }));

  it('when an audit entry is written, then it reads back and the trigger refuses update and delete', () =>
    withPrisma(async (prisma) => {
      const entry = await prisma.audit.create({
        data: {
          actor: 'operator:test',
          action: 'kill_switch.engaged',
          subject: 'kill-switch',
          details: { reason: 'test' },
          dedupeKey: 'audit-test-1',
          prevHash: hex('0'),
          hash: hex('d'),
        },
      });
      const read = await prisma.audit.findUniqueOrThrow({ where: { hash: hex('d') } });
      assert.equal(read.id, entry.id);
      assert.deepEqual(read.details, { reason: 'test' });

      await assert.rejects(
        prisma.audit.update({ where: { id: entry.id }, data: { reason: 'rewritten' } }),
        /append-only/,
      );
      await assert.rejects(prisma.audit.delete({ where: { id: entry.id } }), /append-only/);
      await assert.rejects(prisma.audit.deleteMany({}), /append-only/);

      const unchanged = await prisma.audit.findUniqueOrThrow({ where: { id: entry.id } });
      assert.equal(unchanged.reason, null);
    }));

  it('when an unchained audit entry and a seal over it are written, then they read back and both refuse update and delete', () =>
    withPrisma(async (prisma) => {
      const entry = await prisma.audit.create({
        data: { actor: 'worker', action: 'content.event', subject: 'schema-test' },
      });
      assert.equal(entry.hash, null);
      assert.ok(entry.writerXid > 0n, 'the writing transaction id is filled in');
      const seal = await prisma.auditSeal.create({
        data: {
          sealedAt: new Date('2026-03-01T09:00:02Z'),
          fromXid: 0n,
          fromId: 0n,
          toXid: entry.writerXid + 1n,
          toId: 0n,
          rowCount: 1,
          rowIds: [entry.id],
          rowDigests: bytes(32, 3),
          rowsHash: hex('a'),
          prevHash: hex('0'),
          hash: hex('b'),
          keyId: 'a1',
          signature: Buffer.alloc(64, 5).toString('base64'),
        },
      });
      const read = await prisma.auditSeal.findUniqueOrThrow({ where: { prevHash: hex('0') } });
      assert.deepEqual(read.rowIds, [entry.id]);
      assert.deepEqual(Buffer.from(read.rowDigests), Buffer.alloc(32, 3));
      await assert.rejects(
        prisma.auditSeal.update({ where: { id: seal.id }, data: { keyId: 'a2' } }),
        /append-only/,
      );
      await assert.rejects(prisma.auditSeal.delete({ where: { id: seal.id } }), /append-only/);
      await assert.rejects(
        prisma.auditSeal.create({ data: { ...read, id: undefined, hash: hex('c') } }),
        /Unique constraint/,
        'a second successor of one seal',
      );
      await assert.rejects(
        prisma.auditSeal.create({
          data: { ...read, id: undefined, prevHash: hex('1'), hash: hex('d'), rowCount: 2 },
        }),
        /audit_seals_rows_listed/,
      );
    }));

  it('when feature flags and the kill switch go through the client, then they behave as rows', () =>
    withPrisma(async (prisma) => {
      const seeded = await prisma.outletFeatureFlag.findMany({ orderBy: { flag: 'asc' } });
      assert.deepEqual(
        seeded.map((flag) => [flag.outlet, flag.flag, flag.enabled]),
        [
          ['linkedin', 'member_posting', true],
          ['linkedin', 'organization_posting', false],
        ],
      );
      const flagKey = { outlet_flag: { outlet: 'linkedin', flag: 'test_flag' } };
      await prisma.outletFeatureFlag.create({
        data: { outlet: 'linkedin', flag: 'test_flag', enabled: false, updatedBy: 'test' },
      });
      const flipped = await prisma.outletFeatureFlag.update({
        where: flagKey,
        data: { enabled: true },
      });
      assert.equal(flipped.enabled, true);
      await prisma.outletFeatureFlag.delete({ where: flagKey });

      const initial = await prisma.killSwitch.findUniqueOrThrow({ where: { id: 1 } });
      assert.equal(initial.engaged, false);
      await prisma.killSwitch.delete({ where: { id: 1 } });
      const recreated = await prisma.killSwitch.create({ data: { updatedBy: 'test' } });
      assert.deepEqual([recreated.id, recreated.engaged], [1, false]);
      const engaged = await prisma.killSwitch.update({
        where: { id: 1 },
        data: { engaged: true, reason: 'incident', updatedBy: 'operator:test' },
      });
      assert.equal(engaged.reason, 'incident');
      await assert.rejects(prisma.killSwitch.create({ data: { id: 2, updatedBy: 'test' } }));
    }));

  it('when an API key and its OAuth states go through the client, then they round-trip and cascade', () =>
    withPrisma(async (prisma) => {
      const apiKey = await prisma.apiKey.create({
        data: { name: 'schema-test', role: 'operator', keyHash: hex('e'), prefix: 'stg_abcd' },
      });
      assert.match(apiKey.id, /^[0-9a-f-]{36}$/);
      const state = await prisma.oauthState.create({
        data: {
          stateHash: hex('f'),
          apiKeyId: apiKey.id,
          scopes: ['openid'],
          expiresAt: new Date(Date.now() + 600_000),
          channelName: 'acme-page',
          organizationUrn: 'urn:li:organization:42',
        },
      });

      const read = await prisma.oauthState.findUniqueOrThrow({
        where: { stateHash: state.stateHash },
      });
      assert.equal(read.apiKeyId, apiKey.id);
      assert.equal(read.channelName, 'acme-page');
      assert.equal(read.organizationUrn, 'urn:li:organization:42');
      await prisma.oauthState.update({
        where: { stateHash: state.stateHash },
        data: { usedAt: new Date() },
      });
      assert.equal(apiKey.expiresAt, null);
      const expiresAt = new Date('2027-03-04T05:06:07.089Z');
      const used = await prisma.apiKey.update({
        where: { id: apiKey.id },
        data: { lastUsedAt: new Date(), expiresAt },
      });
      assert.equal(used.expiresAt?.toISOString(), expiresAt.toISOString());

      await prisma.oauthState.delete({ where: { stateHash: state.stateHash } });
      await prisma.oauthState.create({
        data: {
          stateHash: hex('9'),
          apiKeyId: apiKey.id,
          scopes: [],
          expiresAt: new Date(Date.now() + 600_000),
        },
      });
      await prisma.apiKey.delete({ where: { id: apiKey.id } });
      assert.equal(await prisma.apiKey.count(), 0);
      assert.equal(await prisma.oauthState.count(), 0, 'deleting the key removes its states');
    }));

  it('when media and the media URNs of a publication go through the client, then bytes round-trip, the shape is checked and they cascade', () =>
    withPrisma(async (prisma) => {
      const data = bytes(64, 3);
      const id = `sha256:${hex('a')}`;
      await prisma.media.create({
        data: { id, type: 'image/png', bytes: 64, width: 2, height: 3, data, uploadedBy: 'edith' },
      });
      const read = await prisma.media.findUniqueOrThrow({ where: { id } });
      assert.deepEqual(Buffer.from(read.data), Buffer.alloc(64, 3));
      await assert.rejects(
        prisma.media.create({
          data: {
            id: 'sha256:nope',
            type: 'image/png',
            bytes: 1,
            data: bytes(1, 1),
            uploadedBy: 'x',
          },
        }),
        'the id must be sha256:<hex>',
      );
      await assert.rejects(
        prisma.media.create({
          data: {
            id: `sha256:${hex('b')}`,
            type: 'image/png',
            bytes: 2,
            data: bytes(1, 1),
            uploadedBy: 'x',
          },
        }),
        '`bytes` must be the length of `data`',
      );

      const key = { contentId: 'schema-media', version: 1 };
      await prisma.content.create({
        data: {
          ...key,
          workflowId: 'content:schema-media:v1',
          sourceHash: hex('c'),
          markdown: '![x](media:…)',
          status: 'scheduled',
          language: 'en',
          outlets: ['linkedin'],
          sanitize: true,
          contentHash: hex('d'),
          rendered: {},
          title: 'x',
          submittedBy: 'test',
        },
      });
      const publication = await prisma.publication.create({
        data: {
          ...key,
          idempotencyKey: 'content:schema-media:v1/linkedin',
          outlet: 'linkedin',
          state: 'sending',
          commentaryHash: hex('e'),
        },
      });
      await prisma.publicationMedia.create({
        data: {
          publicationId: publication.id,
          position: 0,
          mediaId: id,
          ownerUrn: 'urn:li:person:abc',
          assetUrn: 'urn:li:image:C4E1',
          state: 'initialized',
        },
      });
      const uploaded = await prisma.publicationMedia.update({
        where: { publicationId_position: { publicationId: publication.id, position: 0 } },
        data: { state: 'uploaded', uploadedAt: new Date() },
      });
      assert.equal(uploaded.state, 'uploaded');
      await assert.rejects(prisma.media.delete({ where: { id } }), 'media in use are kept');
      await prisma.publication.delete({ where: { id: publication.id } });
      assert.equal(
        await prisma.publicationMedia.count(),
        0,
        'deleting the publication removes its rows',
      );
      await prisma.media.delete({ where: { id } });
      await prisma.content.delete({ where: { contentId_version: key } });
    }));

  it('when channels, a publication on one and an item’s targets go through the client, then they round-trip and the links hold', () =>
    withPrisma(async (prisma) => {
      await prisma.linkedinToken.create({
        data: {
          id: 'li-member-ch',
          memberUrn: 'urn:li:person:ch',
          scopes: ['w_member_social'],
          keyId: 'k1',
          accessCiphertext: bytes(48, 1),
          accessNonce: bytes(24, 2),
          accessExpiresAt: new Date('2027-01-01T00:00:00Z'),
          connectedBy: 'op',
        },
      });
      const page = await prisma.channel.create({
        data: {
          outlet: 'linkedin',
          name: 'acme-page',
          displayName: 'Acme',
          isDefault: true,
          linkedinTokenId: 'li-member-ch',
          authorUrn: 'urn:li:organization:42',
          createdBy: 'op',
          updatedBy: 'op',
        },
      });
      assert.match(page.id, /^[0-9a-f-]{36}$/);
      const bluesky = await prisma.channel.create({
        data: {
          outlet: 'bluesky',
          name: 'stargue.bsky.social',
          displayName: '@stargue.bsky.social',
          did: 'did:plc:abc',
          handle: 'stargue.bsky.social',
          service: 'https://bsky.social',
          identifier: 'stargue.bsky.social',
          passwordKeyId: 'k1',
          passwordNonce: bytes(24, 3),
          passwordCiphertext: bytes(40, 4),
          sessionKeyId: 'k1',
          sessionNonce: bytes(24, 5),
          sessionCiphertext: bytes(200, 6),
          rateLimitedUntil: new Date('2026-12-01T00:00:00Z'),
          createdBy: 'op',
          updatedBy: 'op',
        },
      });
      const read = await prisma.channel.findUniqueOrThrow({
        where: { outlet_name: { outlet: 'bluesky', name: 'stargue.bsky.social' } },
      });
      assert.deepEqual(read.sessionCiphertext, bytes(200, 6));
      assert.equal(read.rateLimitedUntil?.toISOString(), '2026-12-01T00:00:00.000Z');
      const withToken = await prisma.channel.findUniqueOrThrow({
        where: { id: page.id },
        include: { linkedinToken: true },
      });
      assert.equal(withToken.linkedinToken?.memberUrn, 'urn:li:person:ch');

      const key = { contentId: 'schema-channels', version: 1 };
      const targets = [
        { outlet: 'bluesky', channelId: bluesky.id, channelName: bluesky.name, key: 'bluesky:x' },
      ];
      await prisma.content.create({
        data: {
          ...key,
          workflowId: 'content:schema-channels:v1',
          sourceHash: hex('a'),
          markdown: '# Hi',
          status: 'scheduled',
          language: 'en',
          outlets: ['bluesky'],
          sanitize: true,
          contentHash: hex('b'),
          rendered: {},
          targets,
          title: 'Hi',
          submittedBy: 'integration:test',
        },
      });
      assert.deepEqual(
        (await prisma.content.findUniqueOrThrow({ where: { contentId_version: key } })).targets,
        targets,
      );
      const publication = await prisma.publication.create({
        data: {
          ...key,
          idempotencyKey: 'content:schema-channels:v1:bluesky:x',
          outlet: 'bluesky',
          state: 'intent',
          commentaryHash: hex('c'),
          channelId: bluesky.id,
          recordKey: '3jzfcijpj2z2a',
        },
      });
      const confirmed = await prisma.publication.update({
        where: { id: publication.id },
        data: {
          state: 'confirmed',
          postUrn: 'at://did:plc:abc/app.bsky.feed.post/3jzfcijpj2z2a',
          postCid: 'bafyreia',
        },
        include: { channel: true },
      });
      assert.equal(confirmed.channel?.name, 'stargue.bsky.social');
      assert.equal(confirmed.postCid, 'bafyreia');
      await assert.rejects(
        prisma.channel.delete({ where: { id: bluesky.id } }),
        'a channel with publications is kept',
      );
      await prisma.channel.update({ where: { id: page.id }, data: { disabledAt: new Date() } });
      await prisma.publication.delete({ where: { id: publication.id } });
      await prisma.channel.deleteMany({});
      assert.equal(await prisma.channel.count(), 0);
    }));
});

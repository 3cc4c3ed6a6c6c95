// 0007_channels on a database with connected LinkedIn accounts and publications (the rehearsal
// seeds, plus members whose names collide or cannot be slugged): the backfill's channels, the
// default, the publications' channels, and a rollback that keeps the accounts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Client } from 'pg';
import { migrate, rollback } from '../../../platform/db/migrations';
import { seedTables } from '../../../platform/db/migrations/seeds';
import { readSchema } from '../../../platform/db/migrations/snapshot';
import { migrationsDir, query, withDatabase } from './fixtures';

const BEFORE = '0006_media';
const MIGRATION = '0007_channels';

/** Migrated up to 0006, seeded as the rehearsal seeds it, plus three more members. */
async function connectedDatabase(url: string, organizationPosting: boolean): Promise<void> {
  await migrate(url, { migrationsDir, upTo: BEFORE });
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const shape = await readSchema(client);
    await seedTables(client, new Map([...shape].map(([t, columns]) => [t, [...columns.keys()]])));
  } finally {
    await client.end();
  }
  const member = (id: string, sub: string, name: string | null, updatedAt: string) =>
    query(
      url,
      `INSERT INTO linkedin_tokens (id, member_urn, display_name, scopes, key_id, access_ciphertext,
         access_nonce, access_expires_at, connected_by, created_at, updated_at)
       VALUES ($1, $2, $3, ARRAY['w_member_social'], 'k1', '\\x00', $4, now() + interval '30 days',
         'op', $5, $5)`,
      [id, `urn:li:person:${sub}`, name, Buffer.alloc(24, 9), updatedAt],
    );
  await member('li-member-jane1', 'Jane1', 'Jane Doe', '2026-02-01T00:00:00Z');
  await member('li-member-jane2', 'Jane2', 'Jane Doe', '2026-02-02T00:00:00Z');
  await member('li-member-symbols', 'Sym_Bols-9', '☃☃☃', '2026-02-03T00:00:00Z');
  await query(
    url,
    `UPDATE outlet_feature_flags SET enabled = $1 WHERE outlet = 'linkedin' AND flag = 'organization_posting'`,
    [organizationPosting],
  );
}

interface ChannelRow {
  id: string;
  name: string;
  display_name: string;
  is_default: boolean;
  status: string;
  reauth_reason: string | null;
  linkedin_token_id: string;
  author_urn: string;
}

const channels = (url: string) =>
  query<ChannelRow>(url, `SELECT * FROM channels ORDER BY linkedin_token_id`);

describe(MIGRATION, () => {
  it('when accounts are connected, then each becomes a channel named after its member, the last updated is the default, and publications point at theirs', async () => {
    await withDatabase(async ({ url }) => {
      await connectedDatabase(url, false);
      await migrate(url, { migrationsDir, upTo: MIGRATION });
      const rows = await channels(url);
      assert.deepEqual(
        rows.map((c) => [c.linkedin_token_id, c.name, c.display_name, c.author_urn]),
        [
          [
            'acct-rehearsal-member',
            'rehearsal-member',
            'Rehearsal Member',
            'urn:li:person:rehearsal1',
          ],
          // No display name: named after the member id; the page is not used (the flag is off).
          [
            'acct-rehearsal-org',
            'linkedin-rehearsal2',
            'urn:li:person:rehearsal2',
            'urn:li:person:rehearsal2',
          ],
          ['li-member-jane1', 'jane-doe', 'Jane Doe', 'urn:li:person:Jane1'],
          ['li-member-jane2', 'jane-doe-2', 'Jane Doe', 'urn:li:person:Jane2'],
          ['li-member-symbols', 'linkedin-sym-bols-9', '☃☃☃', 'urn:li:person:Sym_Bols-9'],
        ],
      );
      // The previous release posts as the most recently updated token: the org member's.
      assert.deepEqual(
        rows.filter((c) => c.is_default).map((c) => c.linkedin_token_id),
        ['acct-rehearsal-org'],
      );
      const org = rows.find((c) => c.linkedin_token_id === 'acct-rehearsal-org');
      assert.equal(org?.status, 'reauth_required', 'the token’s state is kept');
      assert.match(org?.reauth_reason ?? '', /reconnected/);

      const publications = await query<{ id: string; channel_id: string | null }>(
        url,
        `SELECT id::text, channel_id::text FROM publications ORDER BY id`,
      );
      const channelOf = (token: string) => rows.find((c) => c.linkedin_token_id === token)?.id;
      assert.deepEqual(publications, [
        // Sent as the rehearsal member: that member's channel.
        { id: '1', channel_id: channelOf('acct-rehearsal-member') },
        // Never sent: the default.
        { id: '2', channel_id: channelOf('acct-rehearsal-org') },
        // Another outlet's row is left alone.
        { id: '3', channel_id: null },
      ]);
    });
  });

  it('when organization posting is on and a token may post for its page, then that account’s channel posts as the page', async () => {
    await withDatabase(async ({ url }) => {
      await connectedDatabase(url, true);
      await migrate(url, { migrationsDir, upTo: MIGRATION });
      const org = (await channels(url)).find((c) => c.linkedin_token_id === 'acct-rehearsal-org');
      assert.equal(org?.author_urn, 'urn:li:organization:4242');
    });
  });

  it('when rolled back and migrated again, then the accounts stay and the same channels come back', async () => {
    await withDatabase(async ({ url }) => {
      await connectedDatabase(url, false);
      await migrate(url, { migrationsDir, upTo: MIGRATION });
      const first = (await channels(url)).map((c) => [c.name, c.is_default]);
      await rollback(url, { migrationsDir });
      const [tokens] = await query<{ n: number }>(
        url,
        'SELECT count(*)::int AS n FROM linkedin_tokens',
      );
      assert.equal(tokens?.n, 5);
      await migrate(url, { migrationsDir, upTo: MIGRATION });
      assert.deepEqual(
        (await channels(url)).map((c) => [c.name, c.is_default]),
        first,
      );
    });
  });

  it('when a second default or a malformed channel is written, then the constraints refuse it', async () => {
    await withDatabase(async ({ url }) => {
      await connectedDatabase(url, false);
      await migrate(url, { migrationsDir, upTo: MIGRATION });
      const insert = (name: string, isDefault: boolean, author: string) =>
        query(
          url,
          `INSERT INTO channels (outlet, name, display_name, is_default, linkedin_token_id,
             author_urn, created_by, updated_by)
           VALUES ('linkedin', $1, 'x', $2, 'li-member-jane1', $3, 't', 't')`,
          [name, isDefault, author],
        );
      await assert.rejects(
        insert('second', true, 'urn:li:organization:1'),
        /channels_one_default_per_outlet/,
      );
      await assert.rejects(
        insert('Bad Name', false, 'urn:li:organization:2'),
        /channels_name_format/,
      );
      await assert.rejects(
        insert('jane-doe', false, 'urn:li:organization:3'),
        /channels_outlet_name_key/,
      );
      await assert.rejects(
        insert('same-author', false, 'urn:li:person:Jane1'),
        /channels_author_urn_key/,
      );
      await assert.rejects(
        query(
          url,
          `INSERT INTO channels (outlet, name, display_name, created_by, updated_by)
           VALUES ('bluesky', 'no-secrets', 'x', 't', 't')`,
        ),
        /channels_bluesky_shape/,
      );
    });
  });
});

import { createHash } from 'node:crypto';

import { escapeIdentifier } from 'pg';
import type { Client } from 'pg';

import { MigrationError } from './errors';

type Row = Record<string, unknown>;

interface TableSeed {
  table: string;
  rows: Row[];
  /** Primary key to upsert on, for rows a migration inserts itself (the kill switch). */
  upsertOn?: string[];
}

const hex64 = (text: string): string => createHash('sha256').update(text).digest('hex');
const at = (iso: string): Date => new Date(iso);
const API_KEY_OPERATOR = '8a1f3c52-0b7e-4f5a-9c3d-2e6b7a9d0f11';
const API_KEY_EDITOR = '3d9e6b20-5c41-4e8f-a7b2-61f0c4d8e923';
const CHANNEL_BLUESKY = '5b0c7e1a-2f43-4d6e-8a91-0c3b5d7e9f21';
const CHANNEL_PAGE = 'c2e4a6b8-1d3f-4a5c-9e7b-2f4d6a8c0e13';

function content(id: string, version: number, status: string, extra: Row = {}): Row {
  return {
    content_id: id,
    version,
    workflow_id: `content:${id}:v${version}`,
    source_hash: hex64(`source ${id} v${version}`),
    markdown: `---\nstatus: ready\n---\n# ${id} v${version}\n\nRehearsal body.`,
    status,
    language: 'en',
    outlets: ['linkedin'],
    sanitize: true,
    content_hash: hex64(`content ${id} v${version}`),
    rendered: { linkedin: { text: `${id} v${version}`, length: 20 } },
    title: `${id} v${version}`,
    submitted_by: 'rehearsal:integration',
    created_at: at('2026-03-01T09:00:00Z'),
    updated_at: at('2026-03-01T09:05:00Z'),
    ...extra,
  };
}

// Any bytes will do for a seed: the store's checks live in the API, the table checks only shape.
const mediaData = Buffer.from('rehearsal image bytes');
const mediaBytes = { data: mediaData, id: createHash('sha256').update(mediaData).digest('hex') };

const auditHashes = ['a', 'b', 'c'].map((label) => hex64(`audit ${label}`));

/**
 * A few rows per table, in foreign-key order, each satisfying its CHECKs. Only the
 * columns a table has at seeding time are written, so one seed serves every schema version; a
 * column added later belongs here too (tables a rehearsal finds without a seed are reported).
 */
const SEEDS: TableSeed[] = [
  {
    table: 'linkedin_tokens',
    rows: [
      {
        id: 'acct-rehearsal-member',
        member_urn: 'urn:li:person:rehearsal1',
        display_name: 'Rehearsal Member',
        scopes: ['openid', 'profile', 'w_member_social'],
        key_id: 'k1',
        access_ciphertext: Buffer.alloc(48, 0xa1),
        access_nonce: Buffer.alloc(24, 0x01),
        refresh_ciphertext: Buffer.alloc(48, 0xb2),
        refresh_nonce: Buffer.alloc(24, 0x02),
        access_expires_at: at('2026-05-01T00:00:00Z'),
        refresh_expires_at: at('2027-03-01T00:00:00Z'),
        connected_by: API_KEY_OPERATOR,
        created_at: at('2026-03-01T08:00:00Z'),
        updated_at: at('2026-03-01T08:00:00Z'),
      },
      {
        id: 'acct-rehearsal-org',
        member_urn: 'urn:li:person:rehearsal2',
        organization_urn: 'urn:li:organization:4242',
        scopes: ['w_organization_social'],
        key_id: 'k0',
        access_ciphertext: Buffer.alloc(48, 0xc3),
        access_nonce: Buffer.alloc(24, 0x03),
        access_expires_at: at('2026-04-01T00:00:00Z'),
        status: 'reauth_required',
        connected_by: API_KEY_OPERATOR,
        created_at: at('2026-03-01T08:10:00Z'),
        updated_at: at('2026-03-15T08:10:00Z'),
      },
    ],
  },
  {
    // 0007_channels: a Bluesky default and a disabled LinkedIn page. Not the LinkedIn default
    // nor the members' own channels: rehearsing 0007, its backfill makes those first.
    table: 'channels',
    rows: [
      {
        id: CHANNEL_BLUESKY,
        outlet: 'bluesky',
        name: 'rehearsal.bsky.social',
        display_name: 'Rehearsal on Bluesky',
        is_default: true,
        status: 'active',
        rate_limited_until: at('2026-03-29T02:00:00Z'),
        did: 'did:plc:rehearsal0000000000000000',
        handle: 'rehearsal.bsky.social',
        service: 'https://bsky.social',
        identifier: 'rehearsal.bsky.social',
        password_key_id: 'k1',
        password_nonce: Buffer.alloc(24, 0x04),
        password_ciphertext: Buffer.alloc(48, 0xd4),
        session_key_id: 'k1',
        session_nonce: Buffer.alloc(24, 0x05),
        session_ciphertext: Buffer.alloc(96, 0xe5),
        created_by: 'rehearsal-operator',
        created_at: at('2026-03-01T08:20:00Z'),
        updated_by: 'rehearsal-operator',
        updated_at: at('2026-03-01T08:20:00Z'),
      },
      {
        id: CHANNEL_PAGE,
        outlet: 'linkedin',
        name: 'rehearsal-page',
        display_name: 'Rehearsal Page',
        disabled_at: at('2026-03-20T00:00:00Z'),
        status: 'reauth_required',
        reauth_reason: 'rehearsal: token revoked',
        linkedin_token_id: 'acct-rehearsal-org',
        author_urn: 'urn:li:organization:4242',
        created_by: 'rehearsal-operator',
        created_at: at('2026-03-01T08:30:00Z'),
        updated_by: 'rehearsal-operator',
        updated_at: at('2026-03-20T00:00:00Z'),
      },
    ],
  },
  {
    table: 'content',
    rows: [
      content('rehearsal-post', 1, 'published', { scheduled_at: at('2026-03-29T01:30:00Z') }),
      content('rehearsal-post', 2, 'scheduled', {
        scheduled_at: at('2026-11-01T05:30:00Z'),
        scheduled_zone: 'America/New_York',
        outlets: ['linkedin', 'bluesky'],
        targets: JSON.stringify([
          {
            outlet: 'bluesky',
            channelId: CHANNEL_BLUESKY,
            channelName: 'rehearsal.bsky.social',
            key: 'bluesky:rehearsal.bsky.social',
          },
        ]),
      }),
      content('rehearsal-draft', 1, 'halted', {
        sanitize: false,
        halt_reason: 'kill switch engaged',
        last_error: 'LinkedIn answered 503',
      }),
    ],
  },
  {
    table: 'approvals',
    rows: [
      {
        id: 1,
        content_id: 'rehearsal-post',
        version: 1,
        decision: 'approved',
        actor: 'editor:ada',
        note: 'ship it',
        content_hash: hex64('content rehearsal-post v1'),
        request_id: 'update-1',
        created_at: at('2026-03-01T10:00:00Z'),
      },
      {
        id: 2,
        content_id: 'rehearsal-post',
        version: 2,
        decision: 'rejected',
        actor: 'editor:grace',
        content_hash: hex64('content rehearsal-post v2'),
        request_id: 'update-2',
        created_at: at('2026-03-02T10:00:00Z'),
      },
    ],
  },
  {
    table: 'publications',
    rows: [
      {
        id: 1,
        idempotency_key: 'content:rehearsal-post:v1/linkedin',
        content_id: 'rehearsal-post',
        version: 1,
        outlet: 'linkedin',
        state: 'confirmed',
        attempt: 1,
        account_id: 'acct-rehearsal-member',
        author_urn: 'urn:li:person:rehearsal1',
        commentary_hash: hex64('commentary 1'),
        post_urn: 'urn:li:share:7000000000000000001',
        sending_at: at('2026-03-29T01:30:01Z'),
        confirmed_at: at('2026-03-29T01:30:02Z'),
        resolution: 'created',
        created_at: at('2026-03-29T01:30:00Z'),
        updated_at: at('2026-03-29T01:30:02Z'),
      },
      {
        id: 3,
        idempotency_key: 'content:rehearsal-post:v1:bluesky:rehearsal.bsky.social',
        content_id: 'rehearsal-post',
        version: 1,
        outlet: 'bluesky',
        state: 'confirmed',
        attempt: 1,
        channel_id: CHANNEL_BLUESKY,
        record_key: '3jzfcijpj2z2a',
        account_id: 'did:plc:rehearsal0000000000000000',
        commentary_hash: hex64('commentary 3'),
        post_urn: 'at://did:plc:rehearsal0000000000000000/app.bsky.feed.post/3jzfcijpj2z2a',
        post_cid: 'bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm',
        sending_at: at('2026-03-29T01:30:01Z'),
        confirmed_at: at('2026-03-29T01:30:02Z'),
        resolution: 'created',
        created_at: at('2026-03-29T01:30:00Z'),
        updated_at: at('2026-03-29T01:30:02Z'),
      },
      {
        id: 2,
        idempotency_key: 'content:rehearsal-draft:v1/linkedin',
        content_id: 'rehearsal-draft',
        version: 1,
        outlet: 'linkedin',
        state: 'unresolved',
        attempt: 3,
        commentary_hash: hex64('commentary 2'),
        sending_at: at('2026-03-30T08:00:00Z'),
        last_error: 'socket hang up',
        created_at: at('2026-03-30T08:00:00Z'),
        updated_at: at('2026-03-30T08:00:05Z'),
      },
    ],
  },
  {
    table: 'media',
    rows: [
      {
        id: `sha256:${mediaBytes.id}`,
        type: 'image/png',
        bytes: mediaBytes.data.length,
        width: 1,
        height: 1,
        data: mediaBytes.data,
        uploaded_by: 'rehearsal:editor',
        created_at: at('2026-03-01T08:30:00Z'),
      },
    ],
  },
  {
    table: 'publication_media',
    rows: [
      {
        publication_id: 1,
        position: 0,
        media_id: `sha256:${mediaBytes.id}`,
        owner_urn: 'urn:li:person:rehearsal1',
        asset_urn: 'urn:li:image:C4E10AQrehearsal',
        state: 'available',
        uploaded_at: at('2026-03-29T01:30:01Z'),
        available_at: at('2026-03-29T01:30:02Z'),
        created_at: at('2026-03-29T01:30:01Z'),
        updated_at: at('2026-03-29T01:30:02Z'),
      },
    ],
  },
  {
    table: 'metrics',
    rows: [
      {
        id: 1,
        publication_id: 1,
        checkpoint: '1h',
        status: 'collected',
        impressions: 120,
        reactions: 7,
        comments: 2,
        reshares: 0,
        collected_at: at('2026-03-29T02:30:00Z'),
      },
      {
        id: 2,
        publication_id: 1,
        checkpoint: '24h',
        status: 'refused',
        detail: 'r_member_social not granted',
        collected_at: at('2026-03-30T01:30:00Z'),
      },
    ],
  },
  {
    table: 'audit',
    rows: [
      {
        id: 1,
        at: at('2026-03-01T09:00:00Z'),
        actor: 'rehearsal:integration',
        action: 'content.submitted',
        subject: 'rehearsal-post',
        workflow_id: 'content:rehearsal-post:v1',
        to_status: 'validating',
        details: { version: 1 },
        dedupe_key: 'submit:rehearsal-post:1',
        prev_hash: '0'.repeat(64),
        hash: auditHashes[0],
      },
      {
        id: 2,
        at: at('2026-03-01T10:00:00Z'),
        actor: 'editor:ada',
        action: 'content.approved',
        subject: 'rehearsal-post',
        workflow_id: 'content:rehearsal-post:v1',
        run_id: 'run-1',
        from_status: 'awaiting_approval',
        to_status: 'scheduled',
        prev_hash: auditHashes[0],
        hash: auditHashes[1],
      },
      {
        id: 3,
        at: at('2026-03-02T11:00:00Z'),
        actor: `operator:${API_KEY_OPERATOR}`,
        action: 'kill_switch.engaged',
        subject: 'kill-switch',
        reason: 'rehearsal',
        prev_hash: auditHashes[1],
        hash: auditHashes[2],
      },
    ],
  },
  {
    // 0004_audit_journal: one seal over the three rows above (their digests are stand-ins).
    table: 'audit_seals',
    rows: [
      {
        id: 1,
        sealed_at: at('2026-03-02T11:00:02Z'),
        from_xid: 0,
        from_id: 0,
        to_xid: 1000,
        to_id: 0,
        row_count: 3,
        row_ids: [1, 2, 3],
        row_digests: Buffer.concat(auditHashes.map((h) => Buffer.from(h, 'hex'))),
        rows_hash: hex64('rows 1-3'),
        prev_hash: '0'.repeat(64),
        hash: hex64('seal 1'),
        key_id: 'rehearsal',
        signature: Buffer.alloc(64, 7).toString('base64'),
      },
    ],
  },
  {
    table: 'outlet_feature_flags',
    rows: [
      {
        outlet: 'linkedin',
        flag: 'document_posts',
        enabled: false,
        updated_by: 'rehearsal',
        updated_at: at('2026-03-01T00:00:00Z'),
      },
      {
        outlet: 'linkedin',
        flag: 'metrics_collection',
        enabled: true,
        updated_by: 'rehearsal',
        updated_at: at('2026-03-01T00:00:00Z'),
      },
    ],
  },
  {
    table: 'kill_switch',
    upsertOn: ['id'],
    rows: [
      {
        id: 1,
        engaged: true,
        reason: 'rehearsal: engaged during the rehearsal',
        updated_by: `operator:${API_KEY_OPERATOR}`,
        updated_at: at('2026-03-02T11:00:00Z'),
      },
    ],
  },
  {
    table: 'api_keys',
    rows: [
      {
        id: API_KEY_OPERATOR,
        name: 'rehearsal-operator',
        role: 'operator',
        key_hash: hex64('key operator'),
        prefix: 'stg_op12',
        created_at: at('2026-02-01T00:00:00Z'),
        last_used_at: at('2026-03-02T11:00:00Z'),
      },
      {
        id: API_KEY_EDITOR,
        name: 'rehearsal-editor',
        role: 'editor',
        key_hash: hex64('key editor'),
        prefix: 'stg_ed34',
        created_at: at('2026-02-01T00:00:00Z'),
        revoked_at: at('2026-02-20T00:00:00Z'),
        expires_at: at('2026-05-01T00:00:00Z'),
      },
    ],
  },
  {
    table: 'oauth_states',
    rows: [
      {
        state_hash: hex64('state 1'),
        api_key_id: API_KEY_OPERATOR,
        scopes: ['openid', 'profile', 'w_member_social'],
        created_at: at('2026-03-01T08:00:00Z'),
        expires_at: at('2026-03-01T08:10:00Z'),
        used_at: at('2026-03-01T08:01:00Z'),
      },
      {
        state_hash: hex64('state 2'),
        api_key_id: API_KEY_OPERATOR,
        scopes: ['w_organization_social'],
        channel_name: 'rehearsal-page',
        organization_urn: 'urn:li:organization:4242',
        created_at: at('2026-03-01T08:05:00Z'),
        expires_at: at('2026-03-01T08:15:00Z'),
      },
    ],
  },
];

/**
 * Seeds every table that exists (`columns`: table → its current columns). Returns the tables
 * that exist but have no seed, whose rehearsal checks then only cover an empty table.
 */
export async function seedTables(
  client: Client,
  columns: ReadonlyMap<string, readonly string[]>,
): Promise<string[]> {
  for (const seed of SEEDS) {
    const existing = columns.get(seed.table);
    if (existing) await insertRows(client, seed, new Set(existing));
  }
  await advanceSequences(client);
  const seeded = new Set(SEEDS.map((seed) => seed.table));
  return [...columns.keys()].filter((table) => !seeded.has(table));
}

async function insertRows(client: Client, seed: TableSeed, existing: Set<string>): Promise<void> {
  for (const row of seed.rows) {
    const names = Object.keys(row).filter((name) => existing.has(name));
    const placeholders = names.map((_, index) => `$${index + 1}`);
    const conflict = seed.upsertOn
      ? ` ON CONFLICT (${seed.upsertOn.map(escapeIdentifier).join(', ')}) DO UPDATE SET ` +
        names
          .filter((name) => !seed.upsertOn?.includes(name))
          .map((name) => `${escapeIdentifier(name)} = EXCLUDED.${escapeIdentifier(name)}`)
          .join(', ')
      : '';
    await client
      .query(
        `INSERT INTO ${escapeIdentifier(seed.table)} (${names.map(escapeIdentifier).join(', ')}) ` +
          `VALUES (${placeholders.join(', ')})${conflict}`,
        names.map((name) => row[name]),
      )
      .catch((error: unknown) => {
        throw new MigrationError(
          `seeding ${seed.table} failed; bring its seed in platform/db/migrations/seeds.ts up ` +
            `to date: ${error instanceof Error ? error.message : String(error)}`,
          { cause: error },
        );
      });
  }
}

// Seeds name their ids so foreign keys can point at them; move each serial past them so rows
// a migration inserts afterwards do not collide.
async function advanceSequences(client: Client): Promise<void> {
  await client.query(`
    DO $$
    DECLARE serial record;
    BEGIN
      FOR serial IN
        SELECT c.relname AS table_name, a.attname AS column_name,
               pg_get_serial_sequence(format('%I', c.relname), a.attname) AS sequence_name
          FROM pg_class c
          JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
         WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r'
      LOOP
        CONTINUE WHEN serial.sequence_name IS NULL;
        EXECUTE format('SELECT setval(%L, coalesce((SELECT max(%I) FROM %I), 0) + 1, false)',
                       serial.sequence_name, serial.column_name, serial.table_name);
      END LOOP;
    END $$`);
}

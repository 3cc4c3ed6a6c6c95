import { clearReauth } from '../../channels/manage';
import { Prisma, type Channel, type Db } from '../../platform/db/client';
import type { Vault } from '../../platform/crypto/vault';
import type { LinkedInTokens } from './oauth';
import { personUrn } from './urns';

type TokenRow = NonNullable<Awaited<ReturnType<Db['linkedinToken']['findFirst']>>>;

export function accountIdFor(sub: string): string {
  return `li-member-${sub}`;
}

/**
 * Stores a connected account's tokens sealed under the current key, and clears re-authorization
 * on the channels that post with them. A grant without a refresh token never erases one stored
 * earlier (LinkedIn only sometimes sends it).
 */
export async function saveAccount(
  db: Db,
  vault: Vault,
  input: {
    sub: string;
    name: string | null;
    tokens: LinkedInTokens;
    connectedBy: string;
    organizationUrn?: string | null;
  },
): Promise<{ id: string; memberUrn: string }> {
  const id = accountIdFor(input.sub);
  const memberUrn = personUrn(input.sub);
  const now = Date.now();
  const access = vault.seal(id, input.tokens.accessToken);
  const refresh = input.tokens.refreshToken ? vault.seal(id, input.tokens.refreshToken) : null;
  const existing = await db.linkedinToken.findUnique({ where: { id } });
  // A refresh token sealed under an older key must be re-sealed under the key the row now names.
  const keptRefresh =
    !refresh &&
    existing?.refreshCiphertext &&
    existing.refreshNonce &&
    existing.keyId !== vault.currentKeyId
      ? vault.seal(
          id,
          vault.open(id, {
            keyId: existing.keyId,
            nonce: existing.refreshNonce,
            ciphertext: existing.refreshCiphertext,
          }),
        )
      : null;
  const refreshFields = refresh ?? keptRefresh;
  const data = {
    memberUrn,
    displayName: input.name,
    scopes: input.tokens.scopes,
    keyId: vault.currentKeyId,
    accessCiphertext: Buffer.from(access.ciphertext),
    accessNonce: Buffer.from(access.nonce),
    accessExpiresAt: new Date(now + input.tokens.expiresInSeconds * 1000),
    status: 'active',
    connectedBy: input.connectedBy,
    ...(input.organizationUrn !== undefined ? { organizationUrn: input.organizationUrn } : {}),
    ...(refreshFields
      ? {
          refreshCiphertext: Buffer.from(refreshFields.ciphertext),
          refreshNonce: Buffer.from(refreshFields.nonce),
        }
      : {}),
    // A new refresh token brings its own expiry, or none known: never the previous token's.
    ...(refresh
      ? {
          refreshExpiresAt: input.tokens.refreshTokenExpiresInSeconds
            ? new Date(now + input.tokens.refreshTokenExpiresInSeconds * 1000)
            : null,
        }
      : {}),
  };
  await db.linkedinToken.upsert({ where: { id }, create: { id, ...data }, update: data });
  // The member's token works again: so do the channels that post with it.
  const waiting = await db.channel.findMany({
    where: { linkedinTokenId: id, status: 'reauth_required' },
    select: { id: true },
  });
  for (const channel of waiting) await clearReauth(db, channel.id, input.connectedBy);
  return { id, memberUrn };
}

export function openAccessToken(vault: Vault, row: TokenRow): string {
  return vault.open(row.id, {
    keyId: row.keyId,
    nonce: row.accessNonce,
    ciphertext: row.accessCiphertext,
  });
}

export function openRefreshToken(vault: Vault, row: TokenRow): string | null {
  if (!row.refreshCiphertext || !row.refreshNonce) return null;
  return vault.open(row.id, {
    keyId: row.keyId,
    nonce: row.refreshNonce,
    ciphertext: row.refreshCiphertext,
  });
}

/** A LinkedIn channel and the member token it posts with. */
export interface ChannelAccount {
  channel: Channel;
  token: TokenRow;
}

/**
 * The channel's account, or the default LinkedIn channel's when no channel is named (items
 * submitted before channels existed); null when there is no such LinkedIn channel.
 */
export async function channelAccount(
  db: Db,
  channelId?: string | null,
): Promise<ChannelAccount | null> {
  // One statement: every publish reads this (Prisma loads an include with a second query).
  const [row] = await db.$queryRaw<Record<string, unknown>[]>`
    SELECT ${columns('c', CHANNEL_COLUMNS)}, ${columns('t', TOKEN_COLUMNS)}
      FROM "channels" c JOIN "linkedin_tokens" t ON t."id" = c."linkedin_token_id"
     WHERE c."outlet" = 'linkedin'
       AND ${channelId ? Prisma.sql`c."id" = ${channelId}::uuid` : Prisma.sql`c."is_default"`}
     LIMIT 1`;
  if (!row) return null;
  return {
    channel: fields<Channel>(row, 'c', CHANNEL_COLUMNS),
    token: fields<TokenRow>(row, 't', TOKEN_COLUMNS),
  };
}

// Every field of each model with its column: a field added to the schema and not here fails to
// compile, so the rows read here are whole.
const CHANNEL_COLUMNS = {
  id: 'id',
  outlet: 'outlet',
  name: 'name',
  displayName: 'display_name',
  isDefault: 'is_default',
  disabledAt: 'disabled_at',
  status: 'status',
  reauthReason: 'reauth_reason',
  rateLimitedUntil: 'rate_limited_until',
  linkedinTokenId: 'linkedin_token_id',
  authorUrn: 'author_urn',
  did: 'did',
  handle: 'handle',
  service: 'service',
  identifier: 'identifier',
  passwordKeyId: 'password_key_id',
  passwordNonce: 'password_nonce',
  passwordCiphertext: 'password_ciphertext',
  sessionKeyId: 'session_key_id',
  sessionNonce: 'session_nonce',
  sessionCiphertext: 'session_ciphertext',
  createdBy: 'created_by',
  createdAt: 'created_at',
  updatedBy: 'updated_by',
  updatedAt: 'updated_at',
} as const satisfies Record<keyof Channel, string>;

const TOKEN_COLUMNS = {
  id: 'id',
  memberUrn: 'member_urn',
  organizationUrn: 'organization_urn',
  displayName: 'display_name',
  scopes: 'scopes',
  keyId: 'key_id',
  accessCiphertext: 'access_ciphertext',
  accessNonce: 'access_nonce',
  refreshCiphertext: 'refresh_ciphertext',
  refreshNonce: 'refresh_nonce',
  accessExpiresAt: 'access_expires_at',
  refreshExpiresAt: 'refresh_expires_at',
  status: 'status',
  connectedBy: 'connected_by',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
} as const satisfies Record<keyof TokenRow, string>;

function columns(table: string, map: Record<string, string>): Prisma.Sql {
  return Prisma.raw(
    Object.entries(map)
      .map(([field, column]) => `${table}."${column}" AS "${table}.${field}"`)
      .join(', '),
  );
}

function fields<T>(row: Record<string, unknown>, table: string, map: Record<string, string>): T {
  return Object.fromEntries(Object.keys(map).map((f) => [f, row[`${table}.${f}`]])) as T;
}

/** Re-seals every token not under the current key; returns how many rows moved. */
export async function rotateTokens(
  db: Db,
  vault: Vault,
): Promise<{ rotated: number; remainingByKey: Record<string, number> }> {
  let rotated = 0;
  for (;;) {
    const rows = await db.linkedinToken.findMany({
      where: { keyId: { not: vault.currentKeyId } },
      take: 100,
    });
    if (rows.length === 0) break;
    for (const row of rows) {
      await db.$transaction(async (tx) => {
        // Lock the row so a concurrent refresh cannot interleave with the re-seal.
        const locked = await tx.$queryRaw<
          { key_id: string }[]
        >`SELECT key_id FROM linkedin_tokens WHERE id = ${row.id} FOR UPDATE`;
        // Gone meanwhile (nothing to re-seal) or already re-sealed by a concurrent run.
        if (!locked[0] || locked[0].key_id === vault.currentKeyId) return;
        const fresh = await tx.linkedinToken.findUniqueOrThrow({ where: { id: row.id } });
        const access = vault.seal(row.id, openAccessToken(vault, fresh));
        const refreshPlain = openRefreshToken(vault, fresh);
        const refresh = refreshPlain ? vault.seal(row.id, refreshPlain) : null;
        await tx.linkedinToken.update({
          where: { id: row.id },
          data: {
            // A re-seal is not a reconnect: `updatedAt` says when the account was last
            // connected or refreshed (and the previous release posts as the latest one).
            updatedAt: fresh.updatedAt,
            keyId: vault.currentKeyId,
            accessCiphertext: Buffer.from(access.ciphertext),
            accessNonce: Buffer.from(access.nonce),
            ...(refresh
              ? {
                  refreshCiphertext: Buffer.from(refresh.ciphertext),
                  refreshNonce: Buffer.from(refresh.nonce),
                }
              : {}),
          },
        });
        rotated++;
      });
    }
  }
  const groups = await db.linkedinToken.groupBy({ by: ['keyId'], _count: { _all: true } });
  return {
    rotated,
    remainingByKey: Object.fromEntries(groups.map((g) => [g.keyId, g._count._all])),
  };
}

import { log } from '@temporalio/activity';
import type { ContentRef } from '../contracts/workflow';
import { appendAudit } from '../platform/audit';
import { Prisma, type Db } from '../platform/db/client';

const WARN_WITHIN_MS = 14 * 24 * 3_600_000;

export type ExpiryInput = ContentRef & { workflowId: string; scheduledAt: string | null };

/** A LinkedIn channel of the item whose token cannot be refreshed (self-serve apps). */
export interface UnrefreshableToken {
  channelId: string;
  name: string;
  accountId: string;
  memberUrn: string;
  expiresAt: Date;
}

/**
 * A `SELECT` of the item's LinkedIn channels whose token has no refresh token: the channels of
 * its stored LinkedIn targets, or the default channel when a target has none (none was connected
 * at submission) or the item predates channels (no targets, LinkedIn among its outlets). One
 * statement, so the approval can carry it with its own record (activities/decisions.ts).
 */
export function unrefreshableTokens(ref: ContentRef): Prisma.Sql {
  return Prisma.sql`
    WITH "item" AS (
      SELECT CASE WHEN jsonb_typeof(c."targets") = 'array' THEN c."targets" END AS "targets",
             c."outlets"
        FROM "content" c WHERE c."content_id" = ${ref.contentId} AND c."version" = ${ref.version}),
    "linkedin" AS (
      SELECT t ->> 'channelId' AS "channelId"
        FROM "item", jsonb_array_elements(COALESCE("item"."targets", '[]')) t
       WHERE t ->> 'outlet' = 'linkedin'),
    "wanted" AS (
      SELECT CASE
               WHEN "targets" IS NULL THEN
                 CASE WHEN 'linkedin' = ANY("outlets") THEN 'default' ELSE 'none' END
               WHEN NOT EXISTS (SELECT 1 FROM "linkedin") THEN 'none'
               WHEN EXISTS (SELECT 1 FROM "linkedin" WHERE "channelId" IS NULL) THEN 'default'
               ELSE 'listed'
             END AS "mode"
        FROM "item")
    SELECT ch."id"::text AS "channelId", ch."name", tok."id" AS "accountId",
           tok."member_urn" AS "memberUrn", tok."access_expires_at" AS "expiresAt"
      FROM "wanted" w
      JOIN "channels" ch
        ON (w."mode" = 'default' AND ch."outlet" = 'linkedin' AND ch."is_default")
        OR (w."mode" = 'listed' AND ch."id"::text IN (SELECT "channelId" FROM "linkedin"))
      JOIN "linkedin_tokens" tok
        ON tok."id" = ch."linkedin_token_id" AND tok."refresh_ciphertext" IS NULL
     ORDER BY ch."name"`;
}

/**
 * Self-serve LinkedIn apps get no refresh token: a token that dies before the item's time means a
 * halt later. Say so now (log, audit, item status), per channel, while an operator can still act.
 */
export async function expiryWarning(db: Db, input: ExpiryInput): Promise<string | null> {
  const tokens = await db.$queryRaw<UnrefreshableToken[]>`${unrefreshableTokens(input)}`;
  return warnOfExpiry(db, input, tokens);
}

/** Warns (log, audit) of each token that dies before the item's time or within 14 days. */
export async function warnOfExpiry(
  db: Db,
  input: ExpiryInput,
  tokens: UnrefreshableToken[],
): Promise<string | null> {
  const warnings: string[] = [];
  for (const token of tokens) {
    const expiresAt = new Date(token.expiresAt);
    const expires = expiresAt.getTime();
    const due = input.scheduledAt ? Date.parse(input.scheduledAt) : Date.now();
    const reason =
      expires < due
        ? `expires before this item's scheduled time (${input.scheduledAt ?? 'now'})`
        : expires - Date.now() < WARN_WITHIN_MS
          ? 'expires within 14 days'
          : null;
    if (!reason) continue;
    const warning = `The LinkedIn token of channel ${token.name} (${token.memberUrn}) ${reason}, on ${expiresAt.toISOString()}; reconnect the channel before then.`;
    const { accountId, channelId } = token;
    log.warn(warning, { accountId, channelId, contentId: input.contentId });
    await appendAudit(db, {
      actor: 'system',
      action: 'linkedin.token_expiring',
      subject: input.contentId,
      workflowId: input.workflowId,
      reason: warning,
      details: { version: input.version, accountId, channelId },
      dedupeKey: `token-expiring:${input.workflowId}:${channelId}:${expiresAt.toISOString()}`,
    });
    warnings.push(warning);
  }
  return warnings.length > 0 ? warnings.join(' ') : null;
}

export function createAccountActivities({ db }: { db: Db }) {
  return {
    /** Older runs check the token with an activity of their own after the approval. */
    checkAccountExpiry: (input: ExpiryInput): Promise<string | null> => expiryWarning(db, input),
  };
}

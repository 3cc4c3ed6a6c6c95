import { log } from '@temporalio/activity';
import type { ContentRef } from '../contracts/workflow';
import { currentAccount } from '../outlets/linkedin/accounts';
import { appendAudit } from '../platform/audit';
import type { Db } from '../platform/db/client';

const WARN_WITHIN_MS = 14 * 24 * 3_600_000;

type ExpiryInput = ContentRef & { workflowId: string; scheduledAt: string | null };

/**
 * Self-serve LinkedIn apps get no refresh token: a token that dies before the item's time means a
 * halt later. Say so now (log, audit, item status) while an operator can still act.
 */
export async function expiryWarning(db: Db, input: ExpiryInput): Promise<string | null> {
  const account = await currentAccount(db);
  if (!account || account.refreshCiphertext) return null;
  const expires = account.accessExpiresAt.getTime();
  const due = input.scheduledAt ? Date.parse(input.scheduledAt) : Date.now();
  const reason =
    expires < due
      ? `expires before this item's scheduled time (${input.scheduledAt ?? 'now'})`
      : expires - Date.now() < WARN_WITHIN_MS
        ? 'expires within 14 days'
        : null;
  if (!reason) return null;
  const warning = `The LinkedIn token of ${account.memberUrn} ${reason}, on ${account.accessExpiresAt.toISOString()}; reconnect the account before then.`;
  log.warn(warning, { accountId: account.id, contentId: input.contentId });
  await appendAudit(db, {
    actor: 'system',
    action: 'linkedin.token_expiring',
    subject: input.contentId,
    workflowId: input.workflowId,
    reason: warning,
    details: { version: input.version, accountId: account.id },
    dedupeKey: `token-expiring:${input.workflowId}:${account.accessExpiresAt.toISOString()}`,
  });
  return warning;
}

export function createAccountActivities({ db }: { db: Db }) {
  return {
    /** Older runs check the token with an activity of their own after the approval. */
    checkAccountExpiry: (input: ExpiryInput): Promise<string | null> => expiryWarning(db, input),
  };
}

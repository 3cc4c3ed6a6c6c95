import { log } from '@temporalio/activity';
import { storedTargets } from '../contracts/channels';
import type { ContentRef } from '../contracts/workflow';
import { appendAudit } from '../platform/audit';
import type { Db } from '../platform/db/client';

const WARN_WITHIN_MS = 14 * 24 * 3_600_000;

type ExpiryInput = ContentRef & { workflowId: string; scheduledAt: string | null };

/**
 * The LinkedIn channels an item publishes on: its stored targets, or the default channel for
 * items submitted before channels existed (no targets).
 */
async function linkedinChannelsOf(db: Db, input: ContentRef) {
  const content = await db.content.findUnique({
    where: { contentId_version: { contentId: input.contentId, version: input.version } },
    select: { targets: true, outlets: true },
  });
  const stored = storedTargets(content?.targets);
  const linkedin = stored?.filter((t) => t.outlet === 'linkedin') ?? null;
  if (linkedin === null && content && !content.outlets.includes('linkedin')) return [];
  if (linkedin?.length === 0) return [];
  // A target without a channel (none was connected at submission) publishes on the default.
  const ids = linkedin?.every((t) => t.channelId !== null)
    ? linkedin.flatMap((t) => (t.channelId === null ? [] : [t.channelId]))
    : null;
  return db.channel.findMany({
    where: ids ? { id: { in: ids } } : { outlet: 'linkedin', isDefault: true },
    include: { linkedinToken: true },
    orderBy: { name: 'asc' },
  });
}

/**
 * Self-serve LinkedIn apps get no refresh token: a token that dies before the item's time means a
 * halt later. Say so now (log, audit, item status), per channel, while an operator can still act.
 */
export async function expiryWarning(db: Db, input: ExpiryInput): Promise<string | null> {
  const warnings: string[] = [];
  for (const channel of await linkedinChannelsOf(db, input)) {
    const account = channel.linkedinToken;
    if (!account || account.refreshCiphertext) continue;
    const expires = account.accessExpiresAt.getTime();
    const due = input.scheduledAt ? Date.parse(input.scheduledAt) : Date.now();
    const reason =
      expires < due
        ? `expires before this item's scheduled time (${input.scheduledAt ?? 'now'})`
        : expires - Date.now() < WARN_WITHIN_MS
          ? 'expires within 14 days'
          : null;
    if (!reason) continue;
    const warning = `The LinkedIn token of channel ${channel.name} (${account.memberUrn}) ${reason}, on ${account.accessExpiresAt.toISOString()}; reconnect the channel before then.`;
    log.warn(warning, { accountId: account.id, channelId: channel.id, contentId: input.contentId });
    await appendAudit(db, {
      actor: 'system',
      action: 'linkedin.token_expiring',
      subject: input.contentId,
      workflowId: input.workflowId,
      reason: warning,
      details: { version: input.version, accountId: account.id, channelId: channel.id },
      dedupeKey: `token-expiring:${input.workflowId}:${channel.id}:${account.accessExpiresAt.toISOString()}`,
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

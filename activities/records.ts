import type { TransitionInput } from '../contracts/workflow';
import { appendAudit } from '../platform/audit';
import type { Db, Prisma } from '../platform/db/client';

/** A Prisma client or an interactive transaction: records join the caller's transaction. */
export type DbClient = Db | Prisma.TransactionClient;

/**
 * Mirrors the workflow's status into `content` and appends its audit entry. Callers run it in the
 * transaction of the work that caused the change, so the two can never disagree; the dedupe key
 * (workflow, run, position) makes a retried write land once.
 */
export async function recordStatus(client: DbClient, t: TransitionInput): Promise<void> {
  if (t.from !== t.to) {
    await client.content.update({
      where: { contentId_version: { contentId: t.contentId, version: t.version } },
      data: {
        status: t.to,
        haltReason: t.to === 'halted' ? t.haltReason : null,
        ...(t.lastError !== null ? { lastError: t.lastError } : {}),
      },
    });
  }
  await appendAudit(client, {
    actor: t.actor,
    action: t.from === t.to ? 'content.event' : 'content.transition',
    subject: t.contentId,
    workflowId: t.workflowId,
    runId: t.runId,
    fromStatus: t.from,
    toStatus: t.to,
    reason: t.reason,
    details: { version: t.version, ...(t.lastError ? { error: t.lastError } : {}) },
    dedupeKey: `${t.workflowId}:${t.runId}:${t.seq}`,
  });
}

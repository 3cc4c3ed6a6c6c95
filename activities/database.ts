import type { DecisionInput, TransitionInput } from '../contracts/workflow';
import { appendAudit } from '../platform/audit';
import type { Db } from '../platform/db/client';
import { isUniqueViolation } from '../platform/db/errors';

export function createDatabaseActivities({ db }: { db: Db }) {
  return {
    /** Mirrors the workflow's status into `content` and writes the audit entry, once per transition. */
    async recordTransition(t: TransitionInput): Promise<void> {
      if (t.from !== t.to) {
        await db.content.update({
          where: { contentId_version: { contentId: t.contentId, version: t.version } },
          data: {
            status: t.to,
            haltReason: t.to === 'halted' ? t.haltReason : null,
            ...(t.lastError !== null ? { lastError: t.lastError } : {}),
          },
        });
      }
      await appendAudit(db, {
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
    },

    async recordDecision(d: DecisionInput): Promise<void> {
      try {
        await db.approval.create({
          data: {
            contentId: d.contentId,
            version: d.version,
            decision: d.decision,
            actor: d.actor,
            note: d.note,
            contentHash: d.contentHash,
            requestId: d.requestId,
          },
        });
      } catch (err) {
        // A retried activity finds its own earlier write: the decision is already recorded.
        if (!isUniqueViolation(err)) throw err;
      }
    },

    async readKillSwitch(): Promise<{ engaged: boolean; reason: string | null }> {
      const row = await db.killSwitch.findUnique({ where: { id: 1 } });
      return { engaged: row?.engaged ?? false, reason: row?.reason ?? null };
    },
  };
}

import { publicationKey } from '../contracts/ids';
import type { ChannelFailureInput, DecisionInput, TransitionInput } from '../contracts/workflow';
import { appendAudit } from '../platform/audit';
import type { Db } from '../platform/db/client';
import { isUniqueViolation } from '../platform/db/errors';
import { recordStatus } from './records';

export function createDatabaseActivities({ db }: { db: Db }) {
  return {
    /** A status change or event only the workflow knows of (a halt, a release, a cancel). */
    async recordTransition(t: TransitionInput): Promise<void> {
      // One statement: the status and its audit entry commit together without a transaction.
      await recordStatus(db, t);
    },

    /**
     * One channel of several failed for good: the item's status waits for the others, so the
     * channel's row and an audit entry say it now (once, whatever retries).
     */
    async recordChannelFailure(f: ChannelFailureInput): Promise<void> {
      const key = publicationKey(f.workflowId, f.target);
      const lastError = `${f.type}: ${f.message}`.slice(0, 2000);
      await db.publication.updateMany({
        where: { idempotencyKey: key, state: { not: 'confirmed' } },
        data: { state: 'failed', lastError },
      });
      await appendAudit(db, {
        actor: 'system',
        action: 'publication.failed',
        subject: f.contentId,
        workflowId: f.workflowId,
        reason: lastError,
        details: { version: f.version, channel: f.target, type: f.type },
        dedupeKey: `publication.failed:${key}`,
      });
    },

    /** Older runs recorded unsigned decisions with this activity; kept so they can finish. */
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

import type { DecisionInput, TransitionInput } from '../contracts/workflow';
import type { Db } from '../platform/db/client';
import { isUniqueViolation } from '../platform/db/errors';
import { recordStatus } from './records';

export function createDatabaseActivities({ db }: { db: Db }) {
  return {
    /** A status change or event only the workflow knows of (a halt, a release, a cancel). */
    async recordTransition(t: TransitionInput): Promise<void> {
      await db.$transaction((tx) => recordStatus(tx, t));
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

import type { TransitionInput } from '../contracts/workflow';
import { auditInsert, type AuditEntry } from '../platform/audit';
import { Prisma, type Db } from '../platform/db/client';

/** A Prisma client or an interactive transaction: records join the caller's transaction. */
export type DbClient = Db | Prisma.TransactionClient;

const ALWAYS = Prisma.sql`TRUE`;

/**
 * Mirrors the workflow's status into `content` and appends its audit entry, in one statement.
 * Callers run it in the transaction of the work that caused the change, so the two can never
 * disagree; the dedupe key (workflow, run, position) makes a retried write land once.
 */
export async function recordStatus(client: DbClient, t: TransitionInput): Promise<void> {
  await client.$executeRaw`WITH ${transitionSteps(t, ALWAYS)} SELECT 1`;
}

/**
 * The status change as steps of a `WITH` (data-modifying CTEs), taken only when `when` holds: a
 * caller writes it in the same statement as the work that causes it, such as the publication's
 * fenced confirmation (activities/publish.ts), with no transaction around them.
 */
export function transitionSteps(t: TransitionInput, when: Prisma.Sql): Prisma.Sql {
  const entry = auditInsert(transitionEntry(t), when);
  if (t.from === t.to) return Prisma.sql`"transition_entry" AS (${entry})`;
  return Prisma.sql`"transition_status" AS (
      UPDATE "content" SET ${statusAssignments(t)}
       WHERE "content_id" = ${t.contentId} AND "version" = ${t.version} AND ${when}),
    "transition_entry" AS (${entry})`;
}

/** The audit entry of a status change (or, from = to, of an event that changes none). */
export function transitionEntry(t: TransitionInput): AuditEntry {
  return {
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
  };
}

/** The `SET` list that mirrors a status change into its `content` row. */
export function statusAssignments(t: TransitionInput): Prisma.Sql {
  const lastError =
    t.lastError !== null ? Prisma.sql`, "last_error" = ${t.lastError}` : Prisma.empty;
  return Prisma.sql`"status" = ${t.to}, "halt_reason" = ${t.to === 'halted' ? t.haltReason : null},
    "updated_at" = now() ${lastError}`;
}

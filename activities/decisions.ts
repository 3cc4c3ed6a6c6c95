import { log } from '@temporalio/activity';
import {
  ALL_ITEMS,
  DECISION_MAX_AGE_MS,
  decisionBytes,
  type DecisionClaim,
} from '../contracts/decisions';
import type {
  TransitionInput,
  VerifyDecisionInput,
  VerifyDecisionResult,
} from '../contracts/workflow';
import { appendAudit, auditInsert, type AuditEntry } from '../platform/audit';
import type { Verifier } from '../platform/crypto/signing';
import { Prisma, type Db } from '../platform/db/client';
import { unrefreshableTokens, warnOfExpiry, type UnrefreshableToken } from './accounts';
import { statusAssignments, transitionEntry } from './records';

export interface DecisionDeps {
  db: Db;
  /** The API's public keys, from the worker's own configuration (never from workflow input). */
  decisionVerifier: Verifier | null;
}

/** Who may make which decision (the API checked the route; the claim must agree). */
const ROLES_FOR: Record<DecisionClaim['action'], readonly string[]> = {
  approve: ['editor', 'operator'],
  reject: ['editor', 'operator'],
  reschedule: ['editor', 'operator'],
  halt: ['operator'],
  release: ['operator'],
  global_release: ['operator'],
};

export function createDecisionActivities({ db, decisionVerifier }: DecisionDeps) {
  return {
    /**
     * Believes a decision only when the API's signature over every claimed field checks out
     * against the worker's configured public key and the claim is the one the workflow expects;
     * then records it (approval row, status change, audit) in one statement.
     */
    async verifyDecision(input: VerifyDecisionInput): Promise<VerifyDecisionResult> {
      const problem = refusal(input, decisionVerifier);
      const { claim } = input.decision;
      const dedupeKey = `${input.workflowId}:${input.runId}:${input.seq}`;
      if (problem) {
        log.warn('refused a decision the worker could not verify', {
          workflowId: input.workflowId,
          action: claim.action,
          problem,
        });
        await appendAudit(db, {
          actor: 'temporal',
          action: 'decision.refused',
          subject: input.contentId,
          workflowId: input.workflowId,
          runId: input.runId,
          reason: problem,
          details: { version: input.version, action: claim.action, claimedActor: claim.actor },
          dedupeKey,
        });
        return { ok: false, reason: problem };
      }
      // The editor waits for this answer: the record, the token check and the switch read are
      // one statement. Each step is idempotent, so a retry adds nothing.
      const { killSwitch, tokens } = await recordDecision(db, input, `${dedupeKey}:decision`);
      const warning =
        claim.action === 'approve' && tokens.length > 0
          ? await warnOfExpiry(db, input, tokens)
          : null;
      return {
        ok: true,
        warnings: warning ? [warning] : [],
        globalSwitch: { engaged: killSwitch?.engaged ?? false, reason: killSwitch?.reason ?? null },
      };
    },
  };
}

/** Why the decision is not believed, or null when it is. */
function refusal(input: VerifyDecisionInput, verifier: Verifier | null): string | null {
  const { claim, keyId, signature } = input.decision;
  if (!verifier) return 'this worker has no APPROVAL_VERIFY_KEYS: it cannot believe any decision';
  if (!verifier.knows(keyId)) return `signed with unknown key ${keyId}`;
  if (!verifier.verify(keyId, decisionBytes(claim), signature)) return 'bad signature';
  if (claim.action !== input.expected.action) return `claim is for ${claim.action}`;
  const global = claim.action === 'global_release';
  const target = global ? { contentId: ALL_ITEMS, version: 0 } : input;
  if (claim.contentId !== target.contentId || claim.version !== target.version) {
    return `claim names ${claim.contentId} v${claim.version}`;
  }
  if (input.expected.bindsHash && claim.contentHash !== input.expected.contentHash) {
    return 'claim names another content hash';
  }
  if (!ROLES_FOR[claim.action].includes(claim.role))
    return `the ${claim.role} role may not ${claim.action}`;
  const age = Date.now() - Date.parse(claim.issuedAt);
  if (!(age <= DECISION_MAX_AGE_MS && age >= -60_000)) return 'claim expired';
  return null;
}

/**
 * Records an accepted decision — the approval row, a new schedule, its audit entry and the status
 * change it makes (audit entries in that order) — and reads the global switch and, for an
 * approval, the item's LinkedIn tokens that cannot be refreshed: one statement, atomic.
 */
async function recordDecision(
  db: Db,
  input: VerifyDecisionInput,
  dedupeKey: string,
): Promise<{
  killSwitch: { engaged: boolean; reason: string | null } | null;
  tokens: UnrefreshableToken[];
}> {
  const { claim } = input.decision;
  const ref = { contentId: input.contentId, version: input.version };
  const steps: Prisma.Sql[] = [];
  if (claim.action !== 'global_release') {
    if (claim.action === 'approve' || claim.action === 'reject') {
      // The request id is unique: a retried activity finds its own row and adds nothing.
      const decision = claim.action === 'approve' ? 'approved' : 'rejected';
      // The text decided on: the item's hash (an approval's claim names the same one).
      const contentHash = input.expected.contentHash ?? claim.contentHash;
      steps.push(Prisma.sql`"approval" AS (
        INSERT INTO "approvals" ("content_id", "version", "decision", "actor", "note",
                                 "content_hash", "request_id")
        VALUES (${ref.contentId}, ${ref.version}, ${decision}, ${claim.actor}, ${claim.note},
                ${contentHash}, ${claim.requestId})
        ON CONFLICT DO NOTHING)`);
    }
    const transition: TransitionInput | null = input.transition
      ? {
          ...ref,
          workflowId: input.workflowId,
          runId: input.runId,
          seq: input.seq,
          from: input.transition.from,
          to: input.transition.to,
          actor: claim.actor,
          reason: claim.action === 'approve' ? 'approved' : claim.note,
          haltReason: null,
          lastError: null,
        }
      : null;
    const sets: Prisma.Sql[] = [];
    const moves = transition !== null && transition.from !== transition.to;
    if (claim.action === 'reschedule' && claim.scheduledAt) {
      sets.push(Prisma.sql`"scheduled_at" = ${new Date(claim.scheduledAt)}::timestamptz,
        "scheduled_zone" = ${claim.scheduledZone}::text`);
      if (!moves) sets.push(Prisma.sql`"updated_at" = now()`);
    }
    if (moves) sets.push(statusAssignments(transition));
    if (sets.length > 0) {
      // One UPDATE of the row: Postgres applies only one change per row and statement.
      steps.push(Prisma.sql`"content_row" AS (
        UPDATE "content" SET ${Prisma.join(sets)}
         WHERE "content_id" = ${ref.contentId} AND "version" = ${ref.version})`);
    }
    const entries = [
      decisionEntry(input, dedupeKey),
      ...(transition ? [transitionEntry(transition)] : []),
    ];
    steps.push(Prisma.sql`"entries" AS (${auditInsert(entries, Prisma.sql`TRUE`)})`);
  }
  const tokens =
    claim.action === 'approve'
      ? Prisma.sql`(SELECT json_agg(t) FROM (${unrefreshableTokens(ref)}) t)`
      : Prisma.sql`NULL::json`;
  const [row] = await db.$queryRaw<
    { engaged: boolean | null; reason: string | null; tokens: UnrefreshableToken[] | null }[]
  >`
    ${steps.length > 0 ? Prisma.sql`WITH ${Prisma.join(steps)}` : Prisma.empty}
    SELECT k."engaged", k."reason", ${tokens} AS "tokens"
      FROM (SELECT 1) AS "one" LEFT JOIN "kill_switch" k ON k."id" = 1`;
  return {
    killSwitch: row?.engaged == null ? null : { engaged: row.engaged, reason: row.reason },
    tokens: row?.tokens ?? [],
  };
}

function decisionEntry(input: VerifyDecisionInput, dedupeKey: string): AuditEntry {
  const { claim } = input.decision;
  return {
    actor: claim.actor,
    action: `api.${claim.action}`,
    subject: input.contentId,
    workflowId: input.workflowId,
    runId: input.runId,
    reason: claim.note ?? (claim.scheduledAt ? `rescheduled to ${claim.scheduledAt}` : null),
    details: {
      version: input.version,
      role: claim.role,
      channel: claim.channel,
      requestId: claim.requestId,
      outcome: 'accepted',
    },
    dedupeKey,
  };
}

import { log } from '@temporalio/activity';
import {
  ALL_ITEMS,
  DECISION_MAX_AGE_MS,
  decisionBytes,
  type DecisionClaim,
} from '../contracts/decisions';
import type { VerifyDecisionInput, VerifyDecisionResult } from '../contracts/workflow';
import { appendAudit } from '../platform/audit';
import type { Verifier } from '../platform/crypto/signing';
import type { Db, Prisma } from '../platform/db/client';
import { expiryWarning } from './accounts';
import { recordStatus } from './records';

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
     * then records it (approval row, status change, audit) in one transaction.
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
      // The editor waits for this answer: the record, the token check and the switch read go
      // out together. Each is idempotent, so a retry after a partial failure adds nothing.
      const [, warning, row] = await Promise.all([
        claim.action === 'global_release'
          ? null
          : db.$transaction((tx) => record(tx, input, `${dedupeKey}:decision`)),
        claim.action === 'approve'
          ? expiryWarning(db, { ...input, scheduledAt: input.scheduledAt })
          : null,
        db.killSwitch.findUnique({ where: { id: 1 } }),
      ]);
      return {
        ok: true,
        warnings: warning ? [warning] : [],
        globalSwitch: { engaged: row?.engaged ?? false, reason: row?.reason ?? null },
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

async function record(
  tx: Prisma.TransactionClient,
  input: VerifyDecisionInput,
  dedupeKey: string,
): Promise<void> {
  const { claim } = input.decision;
  const ref = { contentId: input.contentId, version: input.version };
  if (claim.action === 'approve' || claim.action === 'reject') {
    // The request id is unique: a retried activity finds its own row and adds nothing.
    await tx.approval.createMany({
      data: [
        {
          ...ref,
          decision: claim.action === 'approve' ? 'approved' : 'rejected',
          actor: claim.actor,
          note: claim.note,
          // The text decided on: the item's hash (an approval's claim names the same one).
          contentHash: input.expected.contentHash ?? claim.contentHash,
          requestId: claim.requestId,
        },
      ],
      skipDuplicates: true,
    });
  }
  if (claim.action === 'reschedule' && claim.scheduledAt) {
    await tx.content.update({
      where: { contentId_version: ref },
      data: { scheduledAt: new Date(claim.scheduledAt), scheduledZone: claim.scheduledZone },
    });
  }
  await appendAudit(tx, {
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
  });
  if (input.transition) {
    await recordStatus(tx, {
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
    });
  }
}

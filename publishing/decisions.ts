import { randomUUID } from 'node:crypto';
import {
  WorkflowFailedError,
  WorkflowNotFoundError,
  type WorkflowHandle,
} from '@temporalio/client';
import {
  ALL_ITEMS,
  decisionBytes,
  type DecisionAction,
  type DecisionClaim,
  type SignedDecision,
} from '../contracts/decisions';
import { contentWorkflowId } from '../contracts/ids';
import { allows } from '../contracts/phases';
import type { ContentState, PublishStatus } from '../contracts/workflow';
import { appendAudit } from '../platform/audit';
import {
  approveUpdate,
  haltUpdate,
  rejectUpdate,
  releaseUpdate,
  rescheduleUpdate,
  statusQuery,
} from '../workflows/content/definitions';
import type { contentWorkflow } from '../workflows/content/workflow';
import type { Actor, PublishingDeps } from './deps';
import { AppError, ErrorCode, notFound } from './errors';
import { mapError, toAppError } from './temporal-errors';

// Editors' and operators' decisions. The route has checked the key and the role; this signs what
// was decided (the worker believes nothing else) and sends it as an Update whose id is the
// request's, so a retried request has one effect. The workflow records the decision and audits
// it; only refusals are audited here.

interface ActionResult {
  id: string;
  version: number;
  status: PublishStatus;
}

interface Target {
  id: string;
  version?: number | undefined;
}

type Update = typeof approveUpdate;

/** Update ids and request ids must be short and plain; anything else gets a fresh id. */
function requestIdOf(actor: Actor): string {
  const given = actor.requestId;
  return given && /^[A-Za-z0-9._:-]{1,128}$/.test(given) ? given : randomUUID();
}

export function signDecision(
  deps: PublishingDeps,
  actor: Actor,
  fields: Pick<DecisionClaim, 'action' | 'contentId' | 'version'> & Partial<DecisionClaim>,
): SignedDecision {
  if (!deps.signer) {
    throw new AppError(
      ErrorCode.NotConfigured,
      'APPROVAL_SIGNING_KEY is not set: the API cannot send decisions',
    );
  }
  const claim: DecisionClaim = {
    contentHash: '',
    note: null,
    scheduledAt: null,
    scheduledZone: null,
    ...fields,
    actor: actor.name,
    role: actor.role,
    channel: actor.channel ?? 'api',
    requestId: requestIdOf(actor),
    issuedAt: new Date().toISOString(),
  };
  return { claim, keyId: deps.signer.keyId, signature: deps.signer.sign(decisionBytes(claim)) };
}

/** The newest version, or the one named; only read when the caller did not say. */
async function versionOf(
  deps: PublishingDeps,
  target: Target,
  contentHash?: string,
): Promise<number> {
  if (target.version !== undefined) return target.version;
  const row = await deps.db.content.findFirst({
    where: { contentId: target.id, ...(contentHash ? { contentHash } : {}) },
    orderBy: { version: 'desc' },
    select: { version: true },
  });
  if (row) return row.version;
  const any = contentHash
    ? await deps.db.content.findFirst({
        where: { contentId: target.id },
        select: { version: true },
      })
    : null;
  if (any) {
    throw new AppError(
      ErrorCode.StaleContentHash,
      `no version of ${target.id} has content hash ${contentHash}`,
    );
  }
  throw notFound(`content ${target.id}`);
}

/** Signs `fields` and sends them as `update`; maps Temporal's answer to the API's. */
async function decide(
  deps: PublishingDeps,
  actor: Actor,
  update: Update,
  target: Target,
  fields: Omit<Partial<DecisionClaim>, 'action'> & { action: DecisionAction },
  contentHash?: string,
): Promise<ActionResult> {
  let version: number | undefined;
  try {
    version = await versionOf(deps, target, contentHash);
    const signed = signDecision(deps, actor, { ...fields, contentId: target.id, version });
    const handle = deps.temporal.workflow.getHandle(contentWorkflowId(target.id, version));
    const state = await deps.temporal.withDeadline(
      Date.now() + (deps.workflowCallTimeoutMs ?? 10_000),
      () => handle.executeUpdate(update, { args: [signed], updateId: signed.claim.requestId }),
    );
    return { id: target.id, version, status: state.status };
  } catch (err) {
    const mapped = await explain(deps, err, target.id, version, fields.action);
    if (version !== undefined && mapped instanceof AppError && mapped.status === 409) {
      await refused(deps, actor, target.id, version, fields.action, mapped.message);
    }
    throw mapped;
  }
}

/** A workflow Temporal cannot find has finished if its row exists (closed runs take no Updates). */
async function explain(
  deps: PublishingDeps,
  err: unknown,
  id: string,
  version: number | undefined,
  action: string,
): Promise<unknown> {
  if (!(err instanceof WorkflowNotFoundError) || version === undefined) return mapError(err);
  const row = await deps.db.content.findUnique({
    where: { contentId_version: { contentId: id, version } },
    select: { version: true },
  });
  return row
    ? new AppError(ErrorCode.InvalidState, `cannot ${action}: the item has already finished`)
    : notFound(`content ${id} version ${version}`);
}

async function refused(
  deps: PublishingDeps,
  actor: Actor,
  contentId: string,
  version: number,
  action: string,
  reason: string,
): Promise<void> {
  await appendAudit(deps.db, {
    actor: actor.name,
    action: `api.${action}`,
    subject: contentId,
    workflowId: contentWorkflowId(contentId, version),
    reason,
    details: { version, role: actor.role, channel: actor.channel, outcome: 'refused' },
  });
}

export function approveContent(
  deps: PublishingDeps,
  actor: Actor,
  target: Target,
  body: { note?: string | undefined; contentHash: string },
): Promise<ActionResult> {
  const fields = {
    action: 'approve',
    contentHash: body.contentHash,
    note: body.note ?? null,
  } as const;
  return decide(deps, actor, approveUpdate, target, fields, body.contentHash);
}

export function rejectContent(
  deps: PublishingDeps,
  actor: Actor,
  target: Target,
  body: { reason: string },
): Promise<ActionResult> {
  return decide(deps, actor, rejectUpdate, target, { action: 'reject', note: body.reason });
}

export function rescheduleContent(
  deps: PublishingDeps,
  actor: Actor,
  target: Target,
  body: { scheduled: string; zone?: string | undefined },
): Promise<ActionResult> {
  return decide(deps, actor, rescheduleUpdate, target, {
    action: 'reschedule',
    scheduledAt: new Date(body.scheduled).toISOString(),
    scheduledZone: body.zone ?? null,
  });
}

/** An operator stops one item before its outlet call (named in the audit). */
export function haltContent(
  deps: PublishingDeps,
  actor: Actor,
  target: Target,
  body: { reason: string },
): Promise<ActionResult> {
  return decide(deps, actor, haltUpdate, target, { action: 'halt', note: body.reason });
}

/** Lifts an operator's halt, or vouches that a re-send is safe after an unknown outcome. */
export function releaseContent(
  deps: PublishingDeps,
  actor: Actor,
  target: Target,
): Promise<ActionResult> {
  return decide(deps, actor, releaseUpdate, target, { action: 'release' });
}

/** The signed claim the global switch's release carries to every item. */
export function globalReleaseProof(deps: PublishingDeps, actor: Actor): SignedDecision {
  return signDecision(deps, actor, { action: 'global_release', contentId: ALL_ITEMS, version: 0 });
}

/** Cancels an item that has not started publishing; a post already going out is never cut short. */
export async function cancelContent(
  deps: PublishingDeps,
  actor: Actor,
  target: Target,
): Promise<ActionResult> {
  let version: number | undefined;
  try {
    version = await versionOf(deps, target);
    const handle: WorkflowHandle<typeof contentWorkflow> = deps.temporal.workflow.getHandle(
      contentWorkflowId(target.id, version),
    );
    const deadline = Date.now() + (deps.workflowCallTimeoutMs ?? 10_000);
    const state: ContentState = await deps.temporal.withDeadline(deadline, () =>
      handle.query(statusQuery),
    );
    if (!allows('cancel', { status: state.status, phase: state.phase })) {
      throw new AppError(ErrorCode.InvalidState, `cannot cancel: the item is ${state.status}`);
    }
    await handle.cancel();
    let status: PublishStatus = 'cancelled';
    try {
      const final = await deps.temporal.withDeadline(deadline, () => handle.result());
      status = final.status;
    } catch (err) {
      if (!(err instanceof WorkflowFailedError)) throw err;
    }
    // The timer won the race: the post went out before the cancel reached the item.
    if (status !== 'cancelled') {
      throw new AppError(
        ErrorCode.InvalidState,
        `cannot cancel: the item started publishing first and is ${status}`,
      );
    }
    await appendAudit(deps.db, {
      actor: actor.name,
      action: 'api.cancel',
      subject: target.id,
      workflowId: contentWorkflowId(target.id, version),
      details: { version, role: actor.role, channel: actor.channel, outcome: 'accepted' },
    });
    return { id: target.id, version, status };
  } catch (err) {
    const mapped = await explain(deps, err, target.id, version, 'cancel');
    if (version !== undefined && mapped instanceof AppError && mapped.status === 409) {
      await refused(deps, actor, target.id, version, 'cancel', mapped.message);
    }
    return toAppError(mapped);
  }
}
